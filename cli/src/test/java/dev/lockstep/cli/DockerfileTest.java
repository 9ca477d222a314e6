package dev.lockstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/Dockerfile, parsed and checked against the rules of the image (no Docker engine runs here and no
 * hadolint is to be had from the registries this machine reaches): hadolint's rules that apply (DL3002 last
 * USER not root, DL3006/DL3007 tagged bases, DL3020 COPY not ADD, DL3025 JSON ENTRYPOINT/CMD, DL3022/DL3024
 * stage references and names, DL3003 WORKDIR not cd, DL3004 no sudo, DL3015/DL3009 apt hygiene) and
 * Lockstep's own: a JDK 25 build with the Maven wrapper, glibc JRE 25 runtimes, the layout that Maven
 * assembles (which ImageLayoutIT starts), entrypoint lockstep, targets cpu, cuda and xla.
 */
class DockerfileTest {
    record Instruction(int line, String keyword, String args) {}

    record Stage(String name, String image, List<Instruction> body) {
        List<Instruction> all(String keyword) {
            return body.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }
    }

    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int start = i + 1;
            StringBuilder full = new StringBuilder();
            while (line.endsWith("\\") && i + 1 < lines.length) {
                full.append(line, 0, line.length() - 1).append(' ');
                line = lines[++i].strip();
                while (line.startsWith("#") && i + 1 < lines.length) {
                    line = lines[++i].strip();
                }
            }
            full.append(line);
            String[] parts = full.toString().split("\\s+", 2);
            out.add(new Instruction(start, parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1].strip() : ""));
        }
        return out;
    }

    static List<Stage> stages(List<Instruction> instructions) {
        Map<String, String> args = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        Pattern from = Pattern.compile("(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?", Pattern.CASE_INSENSITIVE);
        for (Instruction i : instructions) {
            if (i.keyword().equals("ARG") && stages.isEmpty()) {
                String[] kv = i.args().split("=", 2);
                args.put(kv[0], kv.length > 1 ? kv[1] : "");
            } else if (i.keyword().equals("FROM")) {
                Matcher m = from.matcher(i.args());
                assertTrue(m.matches(), "line " + i.line() + ": FROM " + i.args());
                String image = m.group(1);
                for (Map.Entry<String, String> a : args.entrySet()) {
                    image = image.replace("${" + a.getKey() + "}", a.getValue());
                }
                stages.add(new Stage(m.group(2) == null ? "stage-" + stages.size() : m.group(2), image, new ArrayList<>()));
            } else {
                assertFalse(stages.isEmpty(), "line " + i.line() + ": " + i.keyword() + " before the first FROM");
                stages.getLast().body().add(i);
            }
        }
        return stages;
    }

    private final List<Stage> stages;

    DockerfileTest() throws Exception {
        stages = stages(parse(Files.readString(DeployTools.DEPLOY.resolve("Dockerfile"))));
    }

    private Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no stage " + name + " in " + stages.stream().map(Stage::name).toList()));
    }

    @Test
    void hadolintsRulesHold() {
        List<String> names = new ArrayList<>();
        for (Stage s : stages) {
            assertFalse(names.contains(s.name()), "DL3024: stage name " + s.name() + " used twice");
            names.add(s.name());
            boolean earlierStage = names.subList(0, names.size() - 1).contains(s.image());
            if (!earlierStage) {
                assertTrue(s.image().matches("[^:@\\s]+(:[^:@\\s]+)?(@sha256:[0-9a-f]{64})?") && (s.image().contains(":")
                        || s.image().contains("@")), "DL3006: " + s.name() + " from untagged image " + s.image());
                assertFalse(s.image().endsWith(":latest"), "DL3007: " + s.name() + " from " + s.image());
            }
            for (Instruction i : s.body()) {
                String where = s.name() + " line " + i.line();
                assertFalse(i.keyword().equals("ADD"), "DL3020: " + where + " uses ADD; use COPY");
                if (i.keyword().equals("RUN")) {
                    assertFalse(i.args().matches("(?s).*(^|[;&|]\\s*)cd\\s.*"), "DL3003: " + where + " uses cd; use WORKDIR");
                    assertFalse(i.args().contains("sudo "), "DL3004: " + where + " uses sudo");
                    if (i.args().contains("apt-get install")) {
                        assertTrue(i.args().contains("--no-install-recommends"), "DL3015: " + where);
                        assertTrue(i.args().contains("rm -rf /var/lib/apt/lists"), "DL3009: " + where);
                    }
                }
                if (i.keyword().equals("COPY") && i.args().startsWith("--from=")) {
                    String from = i.args().substring("--from=".length()).split("\\s")[0];
                    assertTrue(names.subList(0, names.size() - 1).contains(from), "DL3022: " + where
                            + " copies from " + from + ", not an earlier stage");
                }
                if (i.keyword().equals("ENTRYPOINT") || i.keyword().equals("CMD")) {
                    assertTrue(i.args().startsWith("[") && i.args().endsWith("]"), "DL3025: " + where + " "
                            + i.keyword() + " is not in exec (JSON) form");
                }
            }
        }
    }

    @Test
    void theBuildUsesTheMavenWrapperOnAJdk25AndAssemblesTheImageLayout() {
        Stage source = stage("source");
        assertTrue(source.image().matches(".*(jdk).*") && source.image().contains(":25"), source.image());
        for (String name : new String[] {"build", "build-cuda"}) {
            Stage build = stage(name);
            assertEquals("source", build.image(), name + " starts from the sources");
            String run = build.all("RUN").getFirst().args();
            assertTrue(run.contains("./mvnw") && run.contains("-pl cli -am verify"), name + ": " + run);
        }
        assertTrue(stage("build-cuda").all("RUN").getFirst().args().contains("-Pcuda"));
    }

    @Test
    void everyRuntimeIsAGlibcJre25RunningLockstepAsANonRootUser() {
        for (String target : new String[] {"cpu", "cuda", "xla"}) {
            Stage s = stage(target);
            List<Instruction> users = new ArrayList<>(s.all("USER"));
            List<Instruction> entry = new ArrayList<>(s.all("ENTRYPOINT"));
            List<Instruction> copies = new ArrayList<>(s.all("COPY"));
            String image = s.image();
            if (target.equals("xla")) {
                Stage base = stage(image);
                users.addAll(0, base.all("USER"));
                entry.addAll(0, base.all("ENTRYPOINT"));
                copies.addAll(0, base.all("COPY"));
                image = base.image();
            }
            assertFalse(image.contains("alpine"), target + ": ND4J needs glibc, not " + image);
            if (target.equals("cuda")) {
                assertTrue(copies.stream().anyMatch(c -> c.args().equals("--from=jre /opt/java/openjdk /opt/java/openjdk")),
                        "cuda copies the JRE 25 in");
                assertTrue(stage("jre").image().contains("25-jre"), stage("jre").image());
            } else {
                assertTrue(image.contains("25-jre"), target + " runs on a JRE 25: " + image);
            }
            String user = users.getLast().args();
            assertFalse(user.equals("root") || user.startsWith("0") || user.startsWith("root:"), "DL3002: " + target
                    + " runs as " + user);
            assertEquals("[\"lockstep\"]", entry.getLast().args(), target + "'s entrypoint");
            assertTrue(copies.stream().anyMatch(c -> c.args().matches("--from=build(-cuda)? /src/cli/target/lockstep-image/ "
                    + "/opt/lockstep/")), target + " copies the layout Maven assembles: " + copies);
        }
    }

    @Test
    void theParserSeesContinuationsAndStages() {
        List<Instruction> parsed = parse("""
                # comment
                ARG BASE=foo:1
                FROM ${BASE} AS one
                RUN a \\
                    # a comment inside
                    && b
                FROM one AS two
                """);
        assertEquals(List.of("ARG", "FROM", "RUN", "FROM"), parsed.stream().map(Instruction::keyword).toList());
        assertEquals("a && b", parsed.get(2).args().replaceAll("\\s+", " "));
        List<Stage> s = stages(parsed);
        assertEquals("foo:1", s.get(0).image());
        assertEquals("one", s.get(1).image());
    }
}
