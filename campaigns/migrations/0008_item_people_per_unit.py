import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_campaign_category_weights")]

    operations = [
        migrations.AddField(
            model_name="item",
            name="people_per_unit",
            field=models.PositiveIntegerField(
                default=1,
                help_text="一个单位最多发给几人（一箱 24 瓶填 24）；超过须写原因",
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="每单位可供人数",
            ),
        ),
    ]
