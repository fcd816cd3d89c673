package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.sluice.it.harness.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring examples of conf-examples/monitoring checked by Prometheus's own tool, without an
 * agent: {@code promtool check rules} on the alert rules, {@code promtool test rules} on their unit
 * tests (a firing and a quiet case for every alert), and the Grafana dashboard as JSON whose queries
 * use no template variable Prometheus would not know. {@link PrometheusEndToEndTest} runs the rules
 * and the dashboard's queries against a real Prometheus scraping a real agent.
 */
class MonitoringRulesTest {

  private static final Path REPO =
      Paths.get(System.getProperty("sluice.repo", "..")).toAbsolutePath().normalize();
  private static final Path MONITORING = REPO.resolve("conf-examples/monitoring");
  private static final Path RULES = MONITORING.resolve("sluice-alerts.yml");
  private static final Path RULE_TESTS = MONITORING.resolve("sluice-alerts.test.yml");
  private static final Path DASHBOARD = MONITORING.resolve("sluice-dashboard.json");

  private static final Pattern ALERT = Pattern.compile("^\\s*-\\s*alert:\\s*['\"]?([A-Za-z_:][\\w:]*)");
  private static final Pattern ALERTNAME = Pattern.compile("^\\s*alertname:\\s*['\"]?([A-Za-z_:][\\w:]*)");
  private static final Pattern EXP_ALERTS = Pattern.compile("^\\s*exp_alerts:\\s*(\\[\\s*\\])?\\s*(#.*)?$");

  private static Command.Result promtool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Command.require("promtool", "prometheus"));
    command.addAll(List.of(args));
    Command.Result r = Command.run(command, null, Duration.ofSeconds(120));
    if (!r.ok()) {
      fail(r.describe());
    }
    return r;
  }

  @Test
  void promtoolAcceptsTheAlertRules() {
    assertTrue(Files.isRegularFile(RULES), RULES + " is missing");
    Command.Result r = promtool("check", "rules", RULES.toString());
    // Every alert of the file was read: as many rules as "- alert:" lines.
    Matcher m = Pattern.compile("SUCCESS: (\\d+) rules found").matcher(r.output());
    assertTrue(m.find(), r.describe());
    assertEquals(alerts().size(), Integer.parseInt(m.group(1)), r.describe());
  }

  @Test
  void theAlertRulesPassTheirUnitTests() {
    assertTrue(Files.isRegularFile(RULE_TESTS), RULE_TESTS + " is missing");
    // (promtool reads rule_files relative to the test file's own directory)
    Command.Result r = promtool("test", "rules", RULE_TESTS.toString());
    assertTrue(r.output().contains("SUCCESS"), r.describe());
  }

  @Test
  void everyAlertHasAFiringAndAQuietTestCase() throws IOException {
    Set<String> alerts = alerts();
    assertTrue(alerts.size() >= 6, "the playbook's alerts: " + alerts);
    Set<String> firing = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    List<String> lines = Files.readAllLines(RULE_TESTS);
    for (int i = 0; i < lines.size(); i++) {
      Matcher name = ALERTNAME.matcher(lines.get(i));
      if (!name.find()) {
        continue;
      }
      // exp_alerts follows its alertname: "exp_alerts: []" is a quiet case, a list a firing one.
      for (int j = i + 1; j < lines.size(); j++) {
        String line = lines.get(j);
        if (line.isBlank() || line.trim().startsWith("#")) {
          continue;
        }
        Matcher exp = EXP_ALERTS.matcher(line);
        assertTrue(exp.find(), "line " + (j + 1) + " of " + RULE_TESTS.getFileName()
            + ": exp_alerts expected right after alertname " + name.group(1) + ", found: " + line);
        (exp.group(1) != null ? quiet : firing).add(name.group(1));
        break;
      }
    }
    Set<String> tested = new TreeSet<>(firing);
    tested.addAll(quiet);
    tested.removeAll(alerts);
    assertTrue(tested.isEmpty(), "test cases for alerts that sluice-alerts.yml does not have: " + tested);
    for (String alert : alerts) {
      assertTrue(firing.contains(alert), alert + " has no test case where it fires");
      assertTrue(quiet.contains(alert), alert + " has no test case where it stays quiet");
    }
  }

  @Test
  void theDashboardIsJsonWithPrometheusQueries() throws IOException {
    assertTrue(Files.isRegularFile(DASHBOARD), DASHBOARD + " is missing");
    JsonObject root;
    try {
      root = JsonParser.parseString(Files.readString(DASHBOARD)).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new AssertionError(DASHBOARD + " is not a JSON object: " + e.getMessage(), e);
    }
    assertTrue(root.has("panels") && root.get("panels").isJsonArray(), "no panels");
    List<String> exprs = queries(root);
    assertTrue(exprs.size() >= 10, "dashboard queries: " + exprs);
    for (String expr : exprs) {
      assertFalse(expr.isBlank(), "an empty query");
      // Grafana replaces $__rate_interval; any other variable would reach Prometheus as text.
      String rest = expr.replace("$__rate_interval", "");
      assertFalse(rest.contains("$"), "a query with a template variable other than"
          + " $__rate_interval: " + expr);
    }
    String text = Files.readString(DASHBOARD);
    assertFalse(text.contains("${DS_") && !root.has("__inputs"),
        "a ${DS_...} datasource without __inputs to import it with");
  }

  /** The names of the alerts of sluice-alerts.yml, in order. */
  private static Set<String> alerts() {
    Set<String> out = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(RULES)) {
        Matcher m = ALERT.matcher(line);
        if (m.find()) {
          assertTrue(out.add(m.group(1)), "alert " + m.group(1) + " is defined twice");
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot read " + RULES + ": " + e, e);
    }
    return out;
  }

  /** Every {@code expr} string of a dashboard's panel targets, nested rows included. */
  static List<String> queries(JsonElement dashboard) {
    List<String> out = new ArrayList<>();
    collectExprs(dashboard, out);
    return out;
  }

  private static void collectExprs(JsonElement e, List<String> out) {
    if (e.isJsonObject()) {
      e.getAsJsonObject().entrySet().forEach(kv -> {
        if (kv.getKey().equals("expr") && kv.getValue().isJsonPrimitive()) {
          out.add(kv.getValue().getAsString());
        } else {
          collectExprs(kv.getValue(), out);
        }
      });
    } else if (e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> collectExprs(x, out));
    }
  }
}
