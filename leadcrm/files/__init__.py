"""Files uploaded into `file` custom fields: kept in the database, served by signed links."""
