"""Product rows of a lead (crm.lead.productrows.*, crm.item.productrow.*) and their prices."""
