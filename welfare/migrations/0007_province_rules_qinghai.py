"""Seed the province rules with Qinghai's values (the defaults), each with its source.

The values are written out here, not imported: a migration keeps the data of its day.
``tests/welfare/test_province_rules.py`` holds them equal to ``welfare.rules.DEFAULTS``.
A region's own row (Xining's heating season) is seeded when that region is on record.
"""

from django.db import migrations

DEFAULTS = [
    ("station_checklist", "",
     [{"code": "shelter", "label": "有场所（遮阳避雨、防寒保暖的休息场所）"},
      {"code": "seats", "label": "有桌椅"},
      {"code": "water", "label": "有饮用水"},
      {"code": "heating", "label": "有冷暖设备"},
      {"code": "toilet", "label": "有卫生间或就近如厕"},
      {"code": "first_aid", "label": "有应急药箱"}],
     "青海省总工会《关于加强户外劳动者服务站点建设的实施意见》(2021) 四(六)：“六有”标准"),
    ("hot_hours", "", {"method": "hourly_forecast", "spell_hours": 3},
     "《防暑降温措施管理办法》(2012) 第八条（二）：气温最高时段 3 小时内停止露天作业"),
    ("season_hot", "", {"start": "06-01", "end": "09-30"},
     "GBZ 188-2014 §7.3（每年高温季节到来之前）；季节起止为本省设定"),
    ("season_cold", "", {"start": "11-01", "end": "03-31"},
     "本地规则：寒冷季节（北方城镇法定供暖期 11 月 1 日至次年 3 月 31 日）"),
    ("season_cold", "630100", {"start": "10-15", "end": "04-15"},
     "西宁市城镇供热采暖期：每年 10 月 15 日至次年 4 月 15 日"),
    ("reward_amounts", "", {"general": 200, "major": 1000},
     "占位值：待青海省总工会按举报奖励办法确定"),
    ("report_contacts", "", {"phone": "12351", "email": ""}, "全国总工会职工服务热线 12351"),
]  # fmt: skip


def seed(apps, schema_editor):
    ProvinceRule = apps.get_model("welfare", "ProvinceRule")
    Region = apps.get_model("stations", "Region")
    for key, code, value, source in DEFAULTS:
        region = Region.objects.filter(code=code).first() if code else None
        if code and region is None:
            continue  # welfare.rules.DEFAULTS answers for it until the region is loaded
        ProvinceRule.objects.get_or_create(
            key=key, region=region, defaults={"value": value, "source": source}
        )


def unseed(apps, schema_editor):
    ProvinceRule = apps.get_model("welfare", "ProvinceRule")
    for key, code, value, _source in DEFAULTS:
        rows = ProvinceRule.objects.filter(key=key, value=value)
        rows = rows.filter(region__code=code) if code else rows.filter(region__isnull=True)
        rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("welfare", "0006_gbz188_levels_sites_province_rules"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
