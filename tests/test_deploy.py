"""The shipped deployment files: the dashboard and alert rules query metrics that exist, with
labels they have; the Kubernetes manifests fit the schemas, the settings and the routes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from guardproxy.audit.keys import ENV_VAR as AUDIT_KEY_ENV
from guardproxy.audit.keys import load_hmac_key
from guardproxy.config import ENV_PREFIX, Settings, load_settings
from guardproxy.errors import ConfigError
from guardproxy.metrics import Metrics
from guardproxy.provenance import ENV_VAR as PROVENANCE_KEY_ENV
from guardproxy.provenance import load_keyring
from guardproxy.server import _policy_fingerprint, create_app

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SERIES = re.compile(r"\b(guardproxy_[a-z_]+)\b")
BY = re.compile(r"by \(([^)]*)\)")


def known() -> dict[str, set[str]]:
    """Series name -> label names, for every metric the proxy defines."""
    metrics = Metrics(CollectorRegistry())
    out: dict[str, set[str]] = {}
    for value in vars(metrics).values():
        name = getattr(value, "_name", None)
        if name is None:
            continue
        labels = set(getattr(value, "_labelnames", ())) | {"le", "job", "instance"}
        kind = getattr(value, "_type", "")
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}.get(
            kind, [""]
        )
        for suffix in suffixes:
            out[name + suffix] = labels
    return out


def expressions() -> list[str]:
    dash = json.loads((DEPLOY / "grafana/dashboards/guardproxy.json").read_text())
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yaml").read_text())
    exprs += [r["expr"] for g in rules["groups"] for r in g["rules"]]
    return exprs


def test_every_series_and_label_exists() -> None:
    series = known()
    exprs = expressions()
    assert len(exprs) > 15
    for expr in exprs:
        names = SERIES.findall(expr)
        assert names, expr
        for name in names:
            assert name in series, f"{name} in {expr!r}"
            for group in BY.findall(expr):
                for label in (x.strip() for x in group.split(",")):
                    assert label in series[name], f"label {label} of {name} in {expr!r}"


def test_compose_and_provisioning_parse() -> None:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yaml").read_text())
    assert {"guardproxy", "mock", "prometheus", "grafana"} <= set(compose["services"])
    for path in (DEPLOY / "grafana/provisioning").rglob("*.yaml"):
        assert yaml.safe_load(path.read_text())["apiVersion"] == 1


# --- Kubernetes manifests (deploy/kubernetes) ---------------------------------------------

KUBE = DEPLOY / "kubernetes"
PROMTOOL = Path("/usr/bin/promtool")
# Read from the environment by name rather than through Settings.
EXTRA_ENV = {AUDIT_KEY_ENV, PROVENANCE_KEY_ENV, ENV_PREFIX + "CONFIG"}
# Kinds outside the core API, which the bundled Kubernetes schemas do not cover; their
# references to the other manifests are checked in test_manifests_refer_to_each_other.
CUSTOM_KINDS = {("monitoring.coreos.com/v1", "ServiceMonitor")}


def manifests() -> dict[str, dict[str, Any]]:
    """File name -> the one resource it holds, for every manifest but kustomization.yaml."""
    out = {}
    for path in sorted(KUBE.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        assert len(docs) == 1, f"{path.name}: one resource per file"
        out[path.name] = docs[0]
    return out


def by_kind(kind: str) -> dict[str, Any]:
    [found] = [m for m in manifests().values() if m["kind"] == kind]
    return found


def configmap(name: str) -> dict[str, str]:
    [found] = [
        m
        for m in manifests().values()
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == name
    ]
    data: dict[str, str] = found["data"]
    return data


def pod_spec() -> dict[str, Any]:
    spec: dict[str, Any] = by_kind("Deployment")["spec"]["template"]["spec"]
    return spec


def container() -> dict[str, Any]:
    [found] = pod_spec()["containers"]
    return found


def settings_from_manifests() -> Settings:
    return load_settings(env=configmap("guardproxy-settings"))


def test_manifests_parse_and_kustomization_lists_every_file() -> None:
    found = manifests()
    for name, doc in found.items():
        assert {"apiVersion", "kind", "metadata"} <= set(doc), name
        assert doc["metadata"]["labels"]["app.kubernetes.io/name"] == "guardproxy", name
    kustomization = yaml.safe_load((KUBE / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(found)
    kinds = {doc["kind"] for doc in found.values()}
    assert kinds == {
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "ServiceMonitor",
    }


def test_env_names_are_settings_and_values_load() -> None:
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields} | EXTRA_ENV
    secret = by_kind("Secret")
    names = [*configmap("guardproxy-settings"), *secret["stringData"]]
    names += [e["name"] for e in container().get("env", [])]
    assert names
    for name in names:
        assert name in known, f"{name} is not a setting (guardproxy/config.py) nor a key variable"
    settings = settings_from_manifests()
    mounts = {m["name"]: m["mountPath"] for m in container()["volumeMounts"]}
    assert str(settings.policies) == mounts["policies"]
    assert str(settings.audit_dir) == mounts["audit"]
    assert settings.port == container()["ports"][0]["containerPort"]
    assert settings.host == "0.0.0.0"
    # 0 would mean the node's CPU count; the resources are sized for an explicit 2
    assert settings.nlp_workers == 2
    assert settings.watch_policies


def test_secret_holds_the_keys_as_placeholders_that_cannot_start() -> None:
    secret = by_kind("Secret")["stringData"]
    assert set(secret) == {AUDIT_KEY_ENV, PROVENANCE_KEY_ENV, ENV_PREFIX + "ADMIN_TOKEN"}
    for value in secret.values():
        assert value.startswith("REPLACE-ME")
    with pytest.raises(ConfigError, match=AUDIT_KEY_ENV):
        load_hmac_key(env=secret, key_file=Path("/nonexistent/hmac.key"))
    with pytest.raises(ConfigError, match=PROVENANCE_KEY_ENV):
        load_keyring(env=secret, key_dir=Path("/nonexistent/keys"))


def test_probe_and_scrape_paths_are_routes() -> None:
    app = create_app(Settings(), registry=CollectorRegistry())
    routes = {resource.canonical for resource in app.router.resources()}
    c = container()
    probes = [c["startupProbe"], c["livenessProbe"], c["readinessProbe"]]
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for probe in probes:
        assert probe["httpGet"]["path"] in routes
        assert probe["httpGet"]["port"] == c["ports"][0]["name"]
    for endpoint in by_kind("ServiceMonitor")["spec"]["endpoints"]:
        assert endpoint["path"] in routes


def test_grace_period_covers_the_drain() -> None:
    settings = settings_from_manifests()
    pre_stop = container()["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    # the kubelet counts the preStop pause against the grace period; the rest is margin for
    # the NER workers and the audit writer to close after the drain
    needed = float(pre_stop[1]) + settings.shutdown_grace_s + 5
    assert pod_spec()["terminationGracePeriodSeconds"] >= needed


def test_pod_is_hardened() -> None:
    pod, c = pod_spec(), container()
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    sc = c["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    limits, requests = c["resources"]["limits"], c["resources"]["requests"]
    assert {"cpu", "memory"} <= set(requests) and "memory" in limits
    # no subPath: a subPath mount never receives ConfigMap updates
    assert all("subPath" not in m for m in c["volumeMounts"])


def test_manifests_refer_to_each_other() -> None:
    found = manifests()
    names = {(m["kind"], m["metadata"]["name"]) for m in found.values()}
    pod_labels = by_kind("Deployment")["spec"]["template"]["metadata"]["labels"]
    service = by_kind("Service")
    for selector in (
        by_kind("Deployment")["spec"]["selector"]["matchLabels"],
        by_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"],
    ):
        assert selector.items() <= pod_labels.items()
    monitor = by_kind("ServiceMonitor")["spec"]
    assert monitor["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    service_ports = {p["name"] for p in service["spec"]["ports"]}
    assert {e["port"] for e in monitor["endpoints"]} <= service_ports
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= {
        p["name"] for p in container()["ports"]
    }
    target = by_kind("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert ("Deployment", target["name"]) in names
    for source in container()["envFrom"]:
        if "configMapRef" in source:
            assert ("ConfigMap", source["configMapRef"]["name"]) in names
        else:
            assert ("Secret", source["secretRef"]["name"]) in names
    for volume in pod_spec()["volumes"]:
        if "configMap" in volume:
            assert ("ConfigMap", volume["configMap"]["name"]) in names
        if "persistentVolumeClaim" in volume:
            assert ("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"]) in names


def test_policy_configmap_is_the_shipped_policies() -> None:
    shipped = Path(__file__).resolve().parent.parent / "policies"
    data = configmap("guardproxy-policies")
    shipped_data = {p.name: p.read_text() for p in sorted(shipped.glob("*.yaml"))}
    assert data == shipped_data, "run python deploy/kubernetes/render_policies.py"
    assert settings_from_manifests().default_policy + ".yaml" in data


def _kubelet_publish(root: Path, files: dict[str, str], stamp: str) -> Path:
    """Write files as the kubelet updates a ConfigMap volume: a new timestamped directory,
    an atomic rename of the ..data symlink to it, and top-level links through ..data."""
    version = root / f"..{stamp}"
    version.mkdir()
    for name, text in files.items():
        (version / name).write_text(text)
    (root / "..data_tmp").symlink_to(version.name)
    (root / "..data_tmp").rename(root / "..data")
    for name in files:
        if not (root / name).is_symlink():
            (root / name).symlink_to(f"..data/{name}")
    return version


def test_policy_watch_sees_a_configmap_update(tmp_path: Path) -> None:
    data = configmap("guardproxy-policies")
    old = _kubelet_publish(tmp_path, data, "2025_01_01_00_00_00.000000001")
    before = _policy_fingerprint(tmp_path)
    # an unchanged payload still swaps the directory; a reload of the same files is harmless
    _kubelet_publish(tmp_path, data, "2025_01_01_00_01_00.000000002")
    shutil.rmtree(old)
    after = _policy_fingerprint(tmp_path)
    assert after != before
    # the loader reads only top-level *.yaml: the links, not the hidden versioned copies
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == sorted(data)


def test_manifests_match_the_kubernetes_schemas() -> None:
    import kubernetes_validate

    checked = 0
    for name, doc in manifests().items():
        for version in ("1.25", kubernetes_validate.latest_version()):
            if (doc["apiVersion"], doc["kind"]) in CUSTOM_KINDS:
                with pytest.raises(kubernetes_validate.SchemaNotFoundError):
                    kubernetes_validate.validate(doc, version, strict=True)
                continue
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                path = ".".join(str(p) for p in exc.path)
                pytest.fail(f"{name} (Kubernetes {version}): {path}: {exc.message}")
            checked += 1
    assert checked == 2 * (len(manifests()) - len(CUSTOM_KINDS))


@pytest.mark.parametrize(
    "args",
    [["check", "rules", "alerts.yaml"], ["check", "config", "prometheus.yaml"]],
    ids=["rules", "config"],
)
def test_promtool_accepts_the_prometheus_files(args: list[str]) -> None:
    assert PROMTOOL.is_file(), "promtool missing: apt-get install prometheus"
    result = subprocess.run(
        [str(PROMTOOL), *args],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_pass_their_unit_tests() -> None:
    """deploy/prometheus/alerts.test.yaml: each alert firing, pending and quiet."""
    assert PROMTOOL.is_file(), "promtool missing: apt-get install prometheus"
    tests = yaml.safe_load((DEPLOY / "prometheus/alerts.test.yaml").read_text())
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yaml").read_text())
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"]}
    cases = [c for t in tests["tests"] for c in t["alert_rule_test"]]
    firing = {c["alertname"] for c in cases if c["exp_alerts"]}
    quiet = {c["alertname"] for c in cases if not c["exp_alerts"]}
    assert firing == alerts and quiet == alerts
    result = subprocess.run(
        [str(PROMTOOL), "test", "rules", "alerts.test.yaml"],
        cwd=DEPLOY / "prometheus",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr
