"""Every kind of record that can be imported: importing this module registers them."""
