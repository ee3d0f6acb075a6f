"""stations_visit partitioned by month on PostgreSQL (declarative partitioning).

The plain table becomes a partitioned one with the same columns, a default partition and
one partition per month from the earliest stored visit to three months ahead; the rows
move across. A partitioned table's unique keys must hold the partition key: the primary
key becomes (id, occurred_at) and the client uuid is unique with occurred_at. Django's
model state does not change (id stays the primary key for the ORM). SpatiaLite keeps one
plain table: this migration does nothing there.
"""

from django.db import migrations

TO_PARTITIONED = """
ALTER TABLE stations_visit RENAME TO stations_visit_plain;
CREATE TABLE stations_visit (LIKE stations_visit_plain INCLUDING DEFAULTS INCLUDING IDENTITY)
    PARTITION BY RANGE (occurred_at);
CREATE TABLE stations_visit_default PARTITION OF stations_visit DEFAULT;
DO $$
DECLARE
    first_month date := date_trunc('month', LEAST(
        COALESCE((SELECT min(occurred_at) FROM stations_visit_plain), now()), now())
        AT TIME ZONE 'Asia/Shanghai')::date;
    last_month date := (date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai')
                        + interval '3 months')::date;
    m date := first_month;
BEGIN
    WHILE m <= last_month LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF stations_visit FOR VALUES FROM (%L) TO (%L)',
            'stations_visit_y' || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM'),
            (m::timestamp AT TIME ZONE 'Asia/Shanghai'),
            ((m + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'));
        m := (m + interval '1 month')::date;
    END LOOP;
END $$;
INSERT INTO stations_visit SELECT * FROM stations_visit_plain;
DROP TABLE stations_visit_plain;
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_pkey PRIMARY KEY (id, occurred_at);
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_uuid_key UNIQUE (uuid, occurred_at);
CREATE INDEX visit_station_time ON stations_visit (station_id, occurred_at);
CREATE INDEX stations_visit_recorded_by_id ON stations_visit (recorded_by_id);
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_station_id_fk
    FOREIGN KEY (station_id) REFERENCES stations_station (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_recorded_by_id_fk
    FOREIGN KEY (recorded_by_id) REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED;
SELECT setval(pg_get_serial_sequence('stations_visit', 'id'),
              COALESCE((SELECT max(id) FROM stations_visit), 0) + 1, false);
"""

TO_PLAIN = """
ALTER TABLE stations_visit RENAME TO stations_visit_partitioned;
CREATE TABLE stations_visit (LIKE stations_visit_partitioned INCLUDING DEFAULTS INCLUDING IDENTITY);
INSERT INTO stations_visit SELECT * FROM stations_visit_partitioned;
DROP TABLE stations_visit_partitioned CASCADE;
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_pkey PRIMARY KEY (id);
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_uuid_key UNIQUE (uuid);
CREATE INDEX visit_station_time ON stations_visit (station_id, occurred_at);
CREATE INDEX stations_visit_recorded_by_id ON stations_visit (recorded_by_id);
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_station_id_fk
    FOREIGN KEY (station_id) REFERENCES stations_station (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE stations_visit ADD CONSTRAINT stations_visit_recorded_by_id_fk
    FOREIGN KEY (recorded_by_id) REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED;
SELECT setval(pg_get_serial_sequence('stations_visit', 'id'),
              COALESCE((SELECT max(id) FROM stations_visit), 0) + 1, false);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(TO_PARTITIONED)  # no parameters: the %I and %L are format()'s


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(TO_PLAIN)


class Migration(migrations.Migration):
    dependencies = [
        ("stations", "0007_visit_daily_rollup"),
    ]

    operations = [migrations.RunPython(forward, backward)]
