# Sourced by the other scripts: points JAVA_HOME at a JDK 21 or newer.
# Keeps JAVA_HOME when it already names one; otherwise picks the newest JDK >= 21 among the java on PATH and
# the JDKs under /usr/lib/jvm and /opt. Fails with a clear message when there is none.

_jdk_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | awk -F'= ' '/java.specification.version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]) }'
}

_pick_jdk() {
    local best="" best_major=0 candidate major path_java
    path_java=$(command -v java 2>/dev/null || true)
    if [ -n "$path_java" ]; then
        path_java=$(dirname "$(dirname "$(readlink -f "$path_java")")")
    fi
    for candidate in "${JAVA_HOME:-}" "$path_java" /usr/lib/jvm/* /opt/*jdk* /opt/java/*; do
        [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
        major=$(_jdk_major "$candidate")
        [ -n "$major" ] || continue
        if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then
            best="$candidate"
            break
        fi
        if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best="$candidate"
            best_major="$major"
        fi
    done
    printf '%s' "$best"
}

_found_jdk=$(_pick_jdk)
if [ -z "$_found_jdk" ]; then
    echo "No JDK 21 or newer found. Install one (e.g. Temurin 21+) and set JAVA_HOME to it." >&2
    exit 1
fi
export JAVA_HOME="$_found_jdk"
export PATH="$JAVA_HOME/bin:$PATH"
unset _found_jdk
