"""Server-rendered pages, one blueprint per area of the domain."""
