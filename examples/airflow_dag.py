"""Airflow DAGs for dealstream: a daily batch run and a date-range backfill, both calling the CLI.

Copy this file into your Airflow ``dags/`` folder on a worker that has dealstream installed
(``DEALSTREAM_HOME`` below; ``make install`` there). Backfill a date range with::

    airflow dags backfill --start-date 2024-01-01 --end-date 2024-01-31 dealstream_backfill

Both DAGs write into one DIR, which takes one writer at a time: create a one-slot pool first,
``airflow pools set dealstream_out 1 "one dealstream writer per output DIR"``.
Each backfill day reads that day's drop folder ``inputs/YYYY-MM-DD/``; re-running a day is safe
(the run id is the day, and documents already in ``out/`` are skipped as duplicates).
The commands are plain strings so ``tests/test_examples.py`` can check them with the CLI's own
parser without installing Airflow.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow import DAG

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
except ImportError:  # Airflow 2
    from airflow.operators.bash import BashOperator

DEALSTREAM_HOME = "/opt/dealstream"
DATA = "/data/dealstream"

DAILY_COMMAND = (
    "cd " + DEALSTREAM_HOME + " && .venv/bin/dealstream run"
    " --feeds configs/feeds.yaml"
    " --input '" + DATA + "/inputs/{{ ds }}/*.jsonl'"
    " --output " + DATA + "/out"
    " --run-id daily-{{ ds_nodash }}"
    " --max-error-rate 0.2 --quiet"
)

BACKFILL_COMMAND = (
    "cd " + DEALSTREAM_HOME + " && .venv/bin/dealstream run"
    " --input '" + DATA + "/inputs/{{ ds }}/*.jsonl'"
    " --output " + DATA + "/out"
    " --run-id backfill-{{ ds_nodash }}"
    " --direct_num_workers=2 --direct_running_mode=multi_processing --quiet"
)

# History from web archives (CC-NEWS style WARC files), one bounded run over a date range of
# crawl dates: trigger with `airflow dags trigger dealstream_archive_backfill --conf
# '{"start": "2024-01-01", "end": "2024-01-31"}'`. Interrupted runs resume (see docs/backfill.md).
ARCHIVE_BACKFILL_COMMAND = (
    "cd " + DEALSTREAM_HOME + " && .venv/bin/dealstream run"
    " --warc '" + DATA + "/archives/*.warc.gz'"
    " --from {{ params.start }} --to {{ params.end }}"
    " --output " + DATA + "/out"
    " --direct_num_workers=2 --direct_running_mode=multi_processing --quiet"
)

DEFAULT_ARGS = {
    "owner": "data",
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=3),
}

with DAG(
    dag_id="dealstream_daily",
    description="Daily dealstream batch run: feeds and the day's drop folder into hive-partitioned Parquet",
    schedule="15 2 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["dealstream"],
):
    BashOperator(task_id="dealstream_run", bash_command=DAILY_COMMAND, pool="dealstream_out")

with DAG(
    dag_id="dealstream_backfill",
    description="Re-run dealstream over past days' drop folders (trigger with `airflow dags backfill`)",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=True,
    default_args=DEFAULT_ARGS,
    tags=["dealstream", "backfill"],
):
    BashOperator(task_id="dealstream_run_day", bash_command=BACKFILL_COMMAND, pool="dealstream_out")

with DAG(
    dag_id="dealstream_archive_backfill",
    description="Backfill from WARC archives over a crawl-date range (manual trigger with start/end)",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    params={"start": "2024-01-01", "end": "2024-01-31"},
    default_args={**DEFAULT_ARGS, "execution_timeout": timedelta(hours=24)},
    tags=["dealstream", "backfill"],
):
    BashOperator(
        task_id="dealstream_run_archives", bash_command=ARCHIVE_BACKFILL_COMMAND, pool="dealstream_out"
    )
