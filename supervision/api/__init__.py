"""Supervision API (organizers), one module per concept: inspections and findings,
accidents, 安康杯 competitions, 三同时 projects, and the safety inspectors' reports."""
