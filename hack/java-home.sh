# Sourced by the build scripts: exports JAVA_HOME pointing at a JDK 25 (the LTS the project targets),
# or stops with what to install. An explicit JAVA_HOME with JDK 25+ wins.
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
_find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* \
                   /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/jdk-25* /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    local major; major="$(java_major "$candidate")"
    [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null && { echo "$candidate"; return 0; }
  done
  return 1
}
if ! JAVA_HOME="$(_find_jdk)"; then
  echo "ERROR: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "Install one, e.g. Eclipse Temurin 25 (apt package temurin-25-jdk from the Adoptium repository)," >&2
  echo "or set JAVA_HOME to a JDK 25 and run again." >&2
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 on JDK 25 prints sun.misc.Unsafe warnings; they are harmless.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
