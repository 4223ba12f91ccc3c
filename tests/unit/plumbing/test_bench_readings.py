"""What `make bench` reads from the tools it runs (Kafka's producer benchmark summary, a
process's CPU time in /proc, a service's consumer-lag answer) and the README table it writes."""

from __future__ import annotations

import os
import subprocess

import pytest

from servicekit.kafka_access import KafkaAccess
from tests.bench import report
from tests.bench.cpu import TICKS_PER_S, cpu_ms, cpu_ms_of_stat, family_cpu_ms, spent_since
from tests.bench.drain import total_lag
from tests.bench.raw_limits import client_properties, producer_summary, ratio
from tests.bench.registration import Rate

SUMMARY = (
    "4000 records sent, 3210.5 records/sec (3.14 MB/sec), 45.10 ms avg latency, 210.00 ms max"
    " latency, 38 ms 50th, 150 ms 95th, 200 ms 99th, 210 ms 99.9th."
)


def test_producer_summary_reads_the_final_line_not_the_interim_reports() -> None:
    interim = (
        "1500 records sent, 299.9 records/sec (0.29 MB/sec), 900.0 ms avg latency,"
        " 1200.0 ms max latency."
    )
    rate = producer_summary(f"{interim}\n{SUMMARY}\n")
    assert (rate.count, rate.p50_ms, rate.p99_ms) == (4000, 38.0, 200.0)
    assert rate.per_second == pytest.approx(3210.5)


def test_producer_summary_without_a_summary_is_an_error_naming_the_output() -> None:
    with pytest.raises(RuntimeError, match="no summary"):
        producer_summary("ERROR Authentication failed")


def test_producer_settings_authenticate_with_scram_as_the_given_principal() -> None:
    access = KafkaAccess("127.0.0.1:9092", "SASL_PLAINTEXT").as_user("greenlink-admin", "s3cret")
    properties = client_properties(access)
    assert properties["security.protocol"] == "SASL_PLAINTEXT"
    assert properties["sasl.mechanism"] == "SCRAM-SHA-512"
    assert 'username="greenlink-admin" password="s3cret";' in properties["sasl.jaas.config"]
    assert "sasl.jaas.config" not in client_properties(KafkaAccess("127.0.0.1:9092"))


def test_cpu_time_is_user_plus_system_even_when_the_name_holds_spaces_and_parentheses() -> None:
    stat = "4242 (python (worker) 1) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0"
    assert cpu_ms_of_stat(stat) == pytest.approx(300 * 1000 / TICKS_PER_S)


def test_cpu_time_of_this_process_is_read_from_proc_and_grows_with_work() -> None:
    before = cpu_ms(os.getpid())
    deadline = before + 30  # spin until the kernel has counted at least 30 ms more
    for _ in range(20_000):  # bounded: a reader stuck at one value fails instead of hanging
        if cpu_ms(os.getpid()) >= deadline:
            break
        sum(range(10_000))
    assert cpu_ms(os.getpid()) > before > 0


def test_total_lag_adds_every_group_of_a_service() -> None:
    answer = {"groups": [{"total_lag": 3}, {"total_lag": 0}, {"total_lag": 4}], "dead_letters": []}
    assert total_lag(answer) == 7
    assert total_lag({"groups": []}) == 0


def test_ratio_is_a_percentage_below_the_limit_and_a_multiple_above() -> None:
    assert ratio(4, 1000) == "0.4%"
    assert ratio(3000, 1000) == "3.0x"


def _run() -> dict[str, object]:
    rate = Rate("API POST /v1/projects", 4692, 10.0, 31.7, 92.2)
    return {
        "started_utc": "2026-12-03T04:00:00Z",
        "scale": 0.02,
        "machine": report.machine(),
        "rates": [report.rate_row(rate, naive="3.5x", **{"PostgreSQL transactions": "12.0%"})],
        "cpu_ms_per_project": {"registry api": 1.25},
        "lines": [],
    }


def test_readme_table_is_rewritten_between_its_markers_from_a_run() -> None:
    readme = f"intro\n{report.START}\nold figures\n{report.END}\nafter\n"
    updated = report.with_table(readme, _run())
    assert "old figures" not in updated
    assert updated.startswith("intro\n") and updated.endswith(f"{report.END}\nafter\n")
    assert "| API POST /v1/projects | 4,692 | 469 | 31.7 | 92.2 |" in updated
    assert "3.5x of naive, 12.0% of PostgreSQL transactions" in updated
    assert "| registry api | 1.25 |" in updated


def test_readme_without_table_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        report.with_table("no table here\n", _run())


def test_the_readme_holds_the_benchmark_table_markers() -> None:
    text = report.README.read_text()
    assert report.START in text and report.END in text


def test_a_process_family_counts_the_children_running_now() -> None:
    child = subprocess.Popen(["sleep", "30"])
    try:
        assert child.pid in family_cpu_ms(os.getpid())
    finally:
        child.kill()
        child.wait()


def test_cpu_spent_by_a_family_counts_a_new_child_whole() -> None:
    assert spent_since({1: 100.0, 2: 50.0}, {1: 130.0, 2: 50.0, 3: 20.0}) == pytest.approx(50.0)


def test_the_cpu_table_has_a_column_per_mandate_book_and_a_total_row() -> None:
    run = _run() | {
        "cpu_ms_per_project_by_book": {
            "seeded mandates": {"matching consume": 1.5, "audit consume": 1.0},
            "10,000 synthetic mandates": {"matching consume": 9.25, "broker kafka-1": 0.75},
        }
    }
    table = report.table(run)
    assert (
        "| Process (bulk pipeline) | CPU ms per project, seeded mandates"
        " | CPU ms per project, 10,000 synthetic mandates |"
    ) in table
    assert "| matching consume | 1.50 | 9.25 |" in table
    assert "| broker kafka-1 |  | 0.75 |" in table
    assert "| all processes | 2.50 | 10.00 |" in table
