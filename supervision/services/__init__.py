"""Every write of the supervision app, one module per concept:

- ``inspections``: checklist templates, inspections, findings and their rectification;
- ``accidents``: casualty accidents, the 四不放过 checks, the injured and their follow-up;
- ``finding_alerts``: the daily e-mail about findings past their deadline;
- ``competitions``, ``honours``: the 安康杯 competitions, their entries, groups and honours;
- ``projects``: 三同时 projects and their reviews;
- ``inspectors``: workers' safety inspectors (training, assessment, their reports) and
  appointed inspectors;
- ``notice_register``: the numbered notices, served and replied to;
- ``stop_work``: 建议撤离 / 停止作业 and its alert upward;
- ``workplace_safety``: 一会三卡, safety training, protection committees and team cards.

Permission is checked in each service through ``core.scoping``; each write of a model with
history names its actor. Import the concept's module:
``from supervision.services import inspections; inspections.inspection_record(...)``.
"""
