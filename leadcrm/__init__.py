"""leadcrm: a self-hosted lead CRM that speaks the Bitrix24 REST API."""

__version__ = "0.1.0"
