"""Who outdoor workers are, as every app counts them (visits, hand-outs, targets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerCategory(models.TextChoices):
    DELIVERY = "delivery", _("外卖骑手")
    COURIER = "courier", _("快递员")
    SANITATION = "sanitation", _("环卫工人")
    CONSTRUCTION = "construction", _("建筑工人")
    DRIVER = "driver", _("司机（网约车、出租车、货车）")
    SECURITY = "security", _("保安")
    OTHER = "other", _("其他户外劳动者")
