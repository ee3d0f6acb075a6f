"""The seasonal supply catalog: what unions hand out in summer and winter."""

from decimal import Decimal

from django.db import migrations

ITEMS = [
    # code, name, name_en, unit, pack size, perishable, season, unit cost (yuan)
    ("water", "瓶装饮用水", "Bottled water", "瓶", 24, True, "summer", "1.50"),
    ("herbal_tea", "凉茶", "Herbal tea", "罐", 24, True, "summer", "3.50"),
    ("huoxiang", "藿香正气水", "Huoxiang Zhengqi liquid", "盒", 10, True, "summer", "8.00"),
    ("rendan", "人丹", "Rendan pills", "盒", 20, True, "summer", "3.00"),
    ("fengyoujing", "风油精", "Fengyoujing oil", "瓶", 20, True, "summer", "4.00"),
    ("sunscreen", "防晒霜", "Sunscreen", "支", 12, True, "summer", "25.00"),
    ("sun_hat", "遮阳帽", "Sun hat", "顶", 10, False, "summer", "15.00"),
    ("cooling_towel", "降温毛巾", "Cooling towel", "条", 10, False, "summer", "12.00"),
    ("gloves", "保暖手套", "Warm gloves", "副", 10, False, "winter", "18.00"),
    ("cotton_coat", "棉大衣", "Cotton-padded coat", "件", 5, False, "winter", "120.00"),
    ("hand_warmer", "暖宝宝", "Hand warmers", "片", 50, True, "winter", "1.20"),
    ("thermos", "保温杯", "Thermos", "个", 10, False, "winter", "45.00"),
    ("thermal_underwear", "保暖内衣", "Thermal underwear", "套", 10, False, "winter", "80.00"),
    ("lip_balm", "润唇膏", "Lip balm", "支", 20, True, "winter", "10.00"),
]


def load(apps, schema_editor):
    Item = apps.get_model("campaigns", "Item")
    for order, (code, name, name_en, unit, pack, perishable, season, cost) in enumerate(ITEMS):
        Item.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "name_en": name_en, "unit": unit, "pack_size": pack,
                "perishable": perishable, "season": season, "unit_cost": Decimal(cost),
                "sort_order": order,
            },
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
