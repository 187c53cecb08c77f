"""The Bitrix24 REST transport: URL forms, decoding, auth, registry, envelope, batch."""
