# Sourced by the scripts: finds a JDK >= 25 (jclip compiles with --release 25; FFM needs >= 22)
# and exports JAVA_HOME. Order: $JAVA_HOME, java on PATH, /usr/lib/jvm/*, then (as root on
# Debian) installs one from the package registry; otherwise stops with a clear message.
jclip_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
jclip_ok_jdk() { [ -x "$1/bin/javac" ] && [ -x "$1/bin/java" ] && v=$(jclip_java_major "$1") && [ "${v%%.*}" -ge 25 ] 2>/dev/null; }
jclip_find_jdk() {
  local c
  if [ -n "${JAVA_HOME:-}" ] && jclip_ok_jdk "$JAVA_HOME"; then return 0; fi
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if jclip_ok_jdk "$c"; then export JAVA_HOME="$c"; return 0; fi
  fi
  for c in $(ls -d /usr/lib/jvm/* /opt/jdk* /opt/java/* 2>/dev/null | sort -rV); do
    if jclip_ok_jdk "$c"; then export JAVA_HOME="$c"; return 0; fi
  done
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "jclip: no JDK >= 25 found; installing openjdk-25-jdk-headless with apt-get" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-25-jdk-headless) >&2 || true
    for c in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV); do
      if jclip_ok_jdk "$c"; then export JAVA_HOME="$c"; return 0; fi
    done
  fi
  echo "jclip: needs a JDK >= 25 (found none in JAVA_HOME, PATH or /usr/lib/jvm)." >&2
  echo "       Install one (e.g. Temurin 25 or openjdk-25-jdk) and set JAVA_HOME." >&2
  return 1
}
