"""Every write of the supervision app, one module per concept:

- ``inspections``: checklist templates, inspections, findings and their rectification;
- ``accidents``: casualty accidents, the 四不放过 checks, the injured and their follow-up.

Permission is checked in each service through ``core.scoping``; each write of a model with
history names its actor. Import the concept's module:
``from supervision.services import inspections; inspections.inspection_record(...)``.
"""
