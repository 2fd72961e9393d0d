"""What can be checked of deploy/ without Docker, systemd or Kubernetes at hand."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from newsspider.config import parse_config

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def load_yaml(name: str) -> list[dict]:
    return list(yaml.safe_load_all((DEPLOY / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", sorted(p.relative_to(DEPLOY) for p in DEPLOY.rglob("*.yaml")))
def test_every_yaml_file_parses(path):
    assert all(isinstance(doc, dict) for doc in load_yaml(str(path)))


def test_compose_runs_serve_with_minio_and_redis_after_the_bucket_exists():
    services = load_yaml("compose.yaml")[0]["services"]
    assert {"newsspider", "minio", "redis", "createbucket"} <= set(services)
    assert services["createbucket"]["image"].startswith("minio/mc")
    assert "mc mb --ignore-existing" in " ".join(services["createbucket"]["entrypoint"])
    serve = services["newsspider"]
    assert serve["command"][0] == "serve"
    assert serve["depends_on"]["createbucket"]["condition"] == "service_completed_successfully"
    assert serve["depends_on"]["redis"]["condition"] == "service_healthy"
    assert all(
        port.startswith("127.0.0.1:") for s in services.values() for port in s.get("ports", [])
    )


@pytest.mark.parametrize("toml", ["compose", "configmap"])
def test_deployment_configs_are_valid_newsspider_configs(toml):
    if toml == "compose":
        text = (DEPLOY / "newsspider.toml").read_text(encoding="utf-8")
    else:
        text = load_yaml("k8s/configmap.yaml")[0]["data"]["newsspider.toml"]
    config = parse_config(text, toml)
    assert config.archive.uri.startswith("s3://")
    assert config.state.uri.startswith("redis://")


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / "newsspider.service", encoding="utf-8")
    return parser


def test_systemd_unit_restarts_on_failure_and_is_hardened():
    service = unit()["Service"]
    assert service["ExecStart"].split()[1:3] == ["serve", "--log-format"]
    assert service["Restart"] == "on-failure"
    assert service["User"] == "newsspider"
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "KillMode": "mixed",
    }.items():
        assert service[key] == value, key
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    # verify insists that ExecStart exists; point it at this Python, keep everything else.
    text = (DEPLOY / "systemd" / "newsspider.service").read_text(encoding="utf-8")
    copy = tmp_path / "newsspider.service"
    copy.write_text(text.replace("/opt/newsspider/bin/newsspider", sys.executable))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def dockerfile_stages() -> list[list[str]]:
    stages: list[list[str]] = []
    for line in (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("FROM "):
            stages.append([])
        if stages and line.strip() and not line.lstrip().startswith("#"):
            stages[-1].append(line)
    return stages


def test_dockerfile_final_stage_is_slim_non_root_and_has_no_build_tools():
    stages = dockerfile_stages()
    assert len(stages) >= 2
    assert all(stage[0].startswith("FROM python:3.11-slim") for stage in stages)
    final = "\n".join(stages[-1])
    (user,) = [line.split()[1] for line in stages[-1] if line.startswith("USER ")]
    assert user.split(":")[0] not in ("root", "0")
    for tool in ("gcc", "build-essential", "pip install", "apt-get install"):
        assert tool not in final, tool
    assert "COPY --from=build" in final
    assert any("-c requirements.lock" in line for stage in stages[:-1] for line in stage)


def test_docker_build_context_holds_every_file_the_build_stage_copies():
    """The context keeps only what .dockerignore lets in: a file the build copies (setup.py,
    which compiles the kernels) must be let in, and built artefacts must stay out."""
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    let_in = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = {
        source.rstrip("/")
        for stage in dockerfile_stages()[:-1]
        for line in stage
        if line.startswith("COPY ") and "--from" not in line
        for source in line.split()[1:-1]
    }
    assert "setup.py" in copied and copied <= let_in
    assert {"**/*.so", "newsspider/dedup/kernels.c"} <= set(ignore)


def test_kubernetes_runs_one_scheduler_with_a_liveness_probe_and_a_cronjob_for_run():
    (deployment,) = load_yaml("k8s/serve-deployment.yaml")
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    pod = deployment["spec"]["template"]["spec"]
    (serve,) = pod["containers"]
    assert serve["args"][0] == "serve"
    assert serve["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert pod["securityContext"]["runAsNonRoot"] is True
    (cronjob,) = load_yaml("k8s/run-cronjob.yaml")
    assert cronjob["kind"] == "CronJob"
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    (run,) = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert run["args"] == ["run"]
    resources = load_yaml("k8s/kustomization.yaml")[0]["resources"]
    assert all((DEPLOY / "k8s" / name).exists() for name in resources)
