"""Other formats in and out: the deadline calendar (iCalendar), CSV and JSON exports, readings import, IATI in and out."""
