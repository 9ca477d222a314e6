# Sourced by bin/* and .ci/run: exports JAVA_HOME pointing at a JDK 25, or exits with a clear message.
lockstep_is_jdk25() { [ -x "$1/bin/javac" ] && "$1/bin/java" -version 2>&1 | grep -qE 'version "25([."]|$)'; }
if [ -z "${JAVA_HOME:-}" ] || ! lockstep_is_jdk25 "$JAVA_HOME"; then
  lockstep_found=""
  for lockstep_dir in /usr/lib/jvm/*; do
    if lockstep_is_jdk25 "$lockstep_dir"; then lockstep_found="$lockstep_dir"; break; fi
  done
  if [ -z "$lockstep_found" ]; then
    echo "error: Lockstep needs a JDK 25: JAVA_HOME (${JAVA_HOME:-unset}) is not one and none was found under /usr/lib/jvm." >&2
    echo "Install a JDK 25 (for example Temurin 25) and point JAVA_HOME at it." >&2
    exit 1
  fi
  JAVA_HOME="$lockstep_found"
fi
export JAVA_HOME
