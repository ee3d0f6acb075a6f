"""The service catalog. Codes are stable: the API, imports and the map use them."""

from django.db import migrations

SERVICES = [
    ("water", "饮用水", "Drinking water", "💧"),
    ("hot_water", "热水", "Hot water", "♨️"),
    ("rest", "休息座椅", "Seats to rest", "🪑"),
    ("toilet", "卫生间", "Toilet", "🚻"),
    ("charging", "手机充电", "Phone charging", "🔌"),
    ("ebike_charging", "电动车充电", "E-bike battery charging", "🛵"),
    ("microwave", "微波炉热饭", "Microwave for meals", "🍱"),
    ("first_aid", "急救箱", "First-aid kit", "⛑️"),
    ("medicine", "防暑防寒药品", "Heatstroke and cold medicine", "💊"),
    ("ac", "空调", "Air conditioning", "❄️"),
    ("heating", "取暖", "Heating", "🔥"),
    ("wifi", "无线网络", "Wi-Fi", "📶"),
    ("books", "图书", "Books", "📚"),
    ("umbrella", "爱心雨伞", "Umbrella loan", "☂️"),
    ("repair", "维修工具", "Repair tools", "🔧"),
    # Added with issue 14 (0007_station_altitude adds it to databases migrated before).
    ("shade", "阴凉休息处", "Shade to rest in", "⛱️"),
]


def load(apps, schema_editor):
    Service = apps.get_model("stations", "Service")
    for order, (code, name, name_en, icon) in enumerate(SERVICES, start=1):
        Service.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "icon": icon, "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
