"""Migration paths from other libraries: :mod:`crmlib.compat.lifetimes` ("change one import")."""
