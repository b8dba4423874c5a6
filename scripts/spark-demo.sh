#!/usr/bin/env bash
# Runs `kiln spark-demo` (MiniLM batch embedding + a 2-worker MNIST fine-tune on Spark in local mode).
# kiln.jar leaves Spark out, so this puts the spark module's Spark class path (with Spark's own Jackson,
# which must win over the newer one inside kiln.jar) in front of it. Builds what is missing, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f samples/target/kiln.jar ] || ./mvnw -o -q -pl samples -am package -DskipTests
cp_file=spark/target/spark.classpath
[ -f "$cp_file" ] || ./mvnw -o -q -pl spark dependency:build-classpath -Dmdep.includeScope=provided -Dmdep.outputFile=target/spark.classpath
opens=$(sed -n "s:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p" pom.xml)
export SPARK_LOCAL_IP=127.0.0.1
# the list holds the module's compile dependencies too (Kiln jars, possibly stale in ~/.m2): kiln.jar has those
spark_cp=$(tr ':' '\n' < "$cp_file" | grep -v '/dev/kiln/' | paste -sd:)
exec java -Xmx4g $opens -cp "$spark_cp:samples/target/kiln.jar" dev.kiln.samples.cli.KilnCommand spark-demo "$@"
