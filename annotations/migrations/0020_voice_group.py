from django.db import migrations, models

# VoiceGroup: VoicePeople's profile rows of each cell added up (kept by 0021's triggers).


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0019_voice_presence_range_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="VoiceGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "scope",
                    models.SmallIntegerField(
                        choices=[
                            (1, "confirmed and corrected"),
                            (2, "confirmed, corrected and candidate"),
                        ]
                    ),
                ),
                (
                    "grain",
                    models.SmallIntegerField(
                        choices=[
                            (0, "everything"),
                            (1, "per outlet"),
                            (2, "per month"),
                            (3, "per outlet and month"),
                        ]
                    ),
                ),
                (
                    "kinds",
                    models.SmallIntegerField(default=7, help_text="Kinds counted (kind_mask)."),
                ),
                ("outlet", models.CharField(max_length=200, null=True)),
                ("month", models.DateField(null=True)),
                ("tq_person", models.IntegerField(default=0)),
                ("tq_organisation", models.IntegerField(default=0)),
                ("tq_group", models.IntegerField(default=0)),
                ("tq_unknown", models.IntegerField(default=0)),
                ("tp_person", models.IntegerField(default=0)),
                ("tp_organisation", models.IntegerField(default=0)),
                ("tp_group", models.IntegerField(default=0)),
                ("tp_unknown", models.IntegerField(default=0)),
                ("gq_female", models.IntegerField(default=0)),
                ("gq_male", models.IntegerField(default=0)),
                ("gq_nonbinary", models.IntegerField(default=0)),
                ("gq_unknown", models.IntegerField(default=0)),
                ("gp_female", models.IntegerField(default=0)),
                ("gp_male", models.IntegerField(default=0)),
                ("gp_nonbinary", models.IntegerField(default=0)),
                ("gp_unknown", models.IntegerField(default=0)),
                ("uq_name", models.IntegerField(default=0)),
                ("up_name", models.IntegerField(default=0)),
                ("uq_none", models.IntegerField(default=0)),
                ("up_none", models.IntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scope", "grain", "kinds", "outlet", "month"),
                        name="voice_group_unique",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
    ]
