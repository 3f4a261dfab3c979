"""Write configmap-policies.yaml from the shipped policies/*.yaml.

Run from anywhere: python deploy/kubernetes/render_policies.py
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
POLICIES = HERE.parent.parent / "policies"
HEADER = """\
# The policy directory (GUARDPROXY_POLICIES=/etc/guardproxy/policies): the shipped
# policies/*.yaml, one key per file (written by render_policies.py). Edit a key and
# `kubectl apply`: the kubelet swaps the mounted files within about a minute and the proxy
# reloads them (watch_policies); a file that fails to load leaves the previous policies
# running and counts in guardproxy_policy_reloads_total{outcome="error"}.
apiVersion: v1
kind: ConfigMap
metadata:
  name: guardproxy-policies
  labels:
    app.kubernetes.io/name: guardproxy
    app.kubernetes.io/component: policies
data:
"""


def render() -> str:
    out = [HEADER]
    for path in sorted(POLICIES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n") or text.endswith("\n\n"):
            raise SystemExit(f"{path}: must end with exactly one newline to round-trip")
        out.append(f"  {path.name}: |\n")
        out.extend(("    " + line if line else "") + "\n" for line in text.splitlines())
    return "".join(out)


if __name__ == "__main__":
    (HERE / "configmap-policies.yaml").write_text(render(), encoding="utf-8")
