"""Custom fields (UF_CRM_*): their definitions, and the values they give an entity's rows."""
