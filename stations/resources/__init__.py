"""Spreadsheets in and out (django-import-export through ``core.importing``), one module
per concept: ``stations`` (the union offices' station sheets, imported and exported) and
``visits`` (the desk's visits, export only)."""
