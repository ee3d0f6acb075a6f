"""The stations app's pages, one module per concept: ``desk`` (the station desk and its
service worker), ``organizer`` (visits by station and day or week, with exports) and
``province`` (the province overview by city and county, with its XLSX)."""
