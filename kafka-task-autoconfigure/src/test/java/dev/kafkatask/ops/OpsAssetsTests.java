package dev.kafkatask.ops;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.common.docs.KeyName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.metrics.KafkaTaskMeters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests of the operations assets in {@code docs/ops}: the Prometheus alert rules are valid and
 * pass their promtool unit tests, the Grafana dashboard's queries are valid PromQL, and both
 * use only the series and tags of {@link KafkaTaskMeters}, the dashboard all of its meters. The
 * runbook ({@code docs/ops/runbook.md}) and the rules stay in step: each alert's
 * {@code runbook_url} names its section, which says what it means, how to confirm it and what
 * to do; the runbook's series are the meters' and the tests its procedures name exist.
 * <p>
 * promtool comes with Debian's package {@code prometheus}. Without it the promtool tests are
 * skipped, except on CI ({@code CI=true}) where they fail.
 *
 * @author kafka-task
 */
class OpsAssetsTests {

	/**
	 * {@code docs/ops} of the repository: surefire runs in the module's directory.
	 */
	private static final Path OPS = Path.of("..", "docs", "ops").toAbsolutePath().normalize();

	private static final Path ALERTS = OPS.resolve("prometheus/kafka-task-alerts.yml");

	private static final Path ALERT_TESTS = OPS.resolve("prometheus/kafka-task-alerts.test.yml");

	private static final Path DASHBOARD = OPS.resolve("grafana/kafka-task-dashboard.json");

	private static final Path RUNBOOK = OPS.resolve("runbook.md");

	/**
	 * The repository: test classes the runbook names are looked for in each module's
	 * {@code src/test/java}.
	 */
	private static final Path REPOSITORY = OPS.getParent().getParent();

	/**
	 * Where an alert's {@code runbook_url} points, relative to the repository, before the
	 * anchor.
	 */
	private static final String RUNBOOK_URL = "docs/ops/runbook.md#";

	/**
	 * The subsections of each alert's section of the runbook, in order.
	 */
	private static final List<String> ALERT_SUBSECTIONS = List.of("What it means", "Confirm", "Act");

	private static final String PROCEDURES = "Procedures";

	private static final Duration PROMTOOL_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * Labels of every series besides a meter's tags: Prometheus' target labels and the
	 * {@code application} tag most applications add.
	 */
	private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "application");

	/**
	 * Labels a query may name besides the tags of {@link KafkaTaskMeters}: the target labels and
	 * the bucket bound of histograms.
	 */
	private static final Set<String> OTHER_LABELS = Set.of("instance", "job", "application", "le");

	private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

	private static final Pattern METRIC = Pattern.compile("(?<![\\w:])kafka_task_\\w+");

	private static final Pattern SELECTOR = Pattern.compile("(?<![\\w:])(kafka_task_\\w+)\\s*\\{([^}]*)}");

	private static final Pattern MATCHER_LABEL = Pattern.compile("(\\w+)\\s*(?:=~|!~|!=|=)");

	private static final Pattern GROUPING = Pattern
		.compile("(?<![\\w:])(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");

	private static final Pattern AGGREGATION_BY = Pattern.compile("(?<![\\w:])by\\s*\\(([^)]*)\\)\\s*\\(");

	private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.+),\\s*(\\w+)\\s*\\)\\s*$");

	private static final Pattern GRAFANA_INTERVAL = Pattern.compile("\\$\\{?__\\w+}?");

	private static final Pattern HEADING = Pattern.compile("^(#{2,3}) (.+?)\\s*$", Pattern.MULTILINE);

	/**
	 * An alert's section of the runbook: its heading is one word, the alert's name (and not
	 * {@value #PROCEDURES}).
	 */
	private static final Pattern ALERT_HEADING = Pattern.compile("\\w+");

	private static final Pattern CODE_BLOCK = Pattern.compile("```.*?```", Pattern.DOTALL);

	private static final Pattern PROMQL_BLOCK = Pattern.compile("```promql\\n(.*?)```", Pattern.DOTALL);

	/**
	 * A test class, and maybe its method, as the runbook's procedures name them:
	 * {@code `WorkerHealthIntegrationTests.whenTasksNeverFinish...`}.
	 */
	private static final Pattern TEST_REFERENCE = Pattern.compile("`([A-Z]\\w*Tests)(?:\\.(\\w+))?`");

	/**
	 * A script of the repository the runbook's procedures name: {@code `benchmarks/run-rabbit-faults.sh`}.
	 */
	private static final Pattern SCRIPT_REFERENCE = Pattern.compile("`((?:[\\w.-]+/)+[\\w.-]+\\.sh)`");

	private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{\\w+(?::\\w+)?}|\\$\\w+|\\[\\[\\w+]]");

	@TempDir
	Path temp;

	@Test
	void whenPromtoolChecksTheAlertRulesThenTheyAreValid() {
		assertPromtoolSucceeds("check", "rules", ALERTS.toString());
	}

	@Test
	void whenPromtoolRunsTheAlertUnitTestsThenEveryAlertFiresAndStaysQuietAsSpecified() {
		assertPromtoolSucceeds("test", "rules", ALERT_TESTS.toString());
	}

	@Test
	void whenPromtoolParsesTheDashboardQueriesThenTheyAreValidPromQL() throws IOException {
		List<Map<String, String>> rules = new ArrayList<>();
		dashboardQueries().forEach((where, query) -> {
			String expr = GRAFANA_VARIABLE.matcher(GRAFANA_INTERVAL.matcher(query).replaceAll("5m")).replaceAll(".*");
			assertThat(expr).as("%s with Grafana's variables replaced", where).doesNotContain("$");
			Map<String, String> rule = new LinkedHashMap<>();
			rule.put("record", "dashboard_" + where.replaceAll("\\W", "_"));
			rule.put("expr", expr);
			rules.add(rule);
		});
		DumperOptions options = new DumperOptions();
		options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
		Path file = this.temp.resolve("dashboard-queries.yml");
		Files.writeString(file, new Yaml(options)
			.dump(Map.of("groups", List.of(Map.of("name", "kafka-task-dashboard", "rules", rules)))));
		assertPromtoolSucceeds("check", "rules", file.toString());
	}

	@Test
	void whenAlertRulesNameAMetricThenItIsASeriesOfAKafkaTaskMeter() {
		assertOnlyMeterSeries(alertExpressions());
	}

	@Test
	void whenTheDashboardNamesAMetricThenItIsASeriesOfAKafkaTaskMeter() {
		assertOnlyMeterSeries(dashboardQueries());
	}

	@Test
	void whenAMeterIsDocumentedThenTheDashboardShowsIt() {
		Set<String> used = metrics(String.join("\n", dashboardQueries().values()));
		List<String> missing = Arrays.stream(KafkaTaskMeters.values())
			.filter((meter) -> seriesNames(meter).stream().noneMatch(used::contains))
			.map((meter) -> meter.name() + " (" + String.join(", ", seriesNames(meter)) + ")")
			.toList();
		assertThat(missing).as("meters of KafkaTaskMeters that no panel of %s queries", DASHBOARD).isEmpty();
	}

	@Test
	void whenQueriesSelectByALabelThenItIsATagOfThatMeterOrATargetLabel() {
		Map<String, KafkaTaskMeters> meters = metersBySeries();
		List<String> problems = new ArrayList<>();
		allQueries().forEach((where, query) -> {
			String unquoted = QUOTED.matcher(query).replaceAll("\"\"");
			Matcher selector = SELECTOR.matcher(unquoted);
			while (selector.find()) {
				Matcher label = MATCHER_LABEL.matcher(selector.group(2));
				while (label.find()) {
					checkLabel(where, selector.group(1), label.group(1), meters, problems);
				}
			}
			Matcher labelValues = LABEL_VALUES.matcher(query);
			if (labelValues.matches()) {
				Matcher metric = METRIC.matcher(labelValues.group(1));
				if (metric.find()) {
					checkLabel(where, metric.group(), labelValues.group(2), meters, problems);
				}
			}
		});
		assertThat(problems).as("label matchers on labels the meter does not have").isEmpty();
	}

	@Test
	void whenQueriesAggregateByALabelThenItIsATagOfTheMetersAggregated() {
		Set<String> allowed = new TreeSet<>(OTHER_LABELS);
		Arrays.stream(KafkaTaskMeters.Tags.values()).map(KafkaTaskMeters.Tags::asString).forEach(allowed::add);
		Map<String, KafkaTaskMeters> meters = metersBySeries();
		List<String> problems = new ArrayList<>();
		allQueries().forEach((where, query) -> {
			String unquoted = QUOTED.matcher(query).replaceAll("\"\"");
			Matcher grouping = GROUPING.matcher(unquoted);
			while (grouping.find()) {
				labels(grouping.group(1)).stream()
					.filter((label) -> !allowed.contains(label))
					.forEach((label) -> problems.add(where + ": '" + label + "' is neither a tag of KafkaTaskMeters nor one of "
							+ OTHER_LABELS));
			}
			// sum by (labels) (body): every meter in the body must have those labels
			Matcher aggregation = AGGREGATION_BY.matcher(unquoted);
			while (aggregation.find()) {
				String body = parenthesized(unquoted, aggregation.end() - 1);
				for (String metric : metrics(body)) {
					for (String label : labels(aggregation.group(1))) {
						checkLabel(where, metric, label, meters, problems);
					}
				}
			}
		});
		assertThat(problems).as("aggregations by labels the meters do not have").isEmpty();
	}

	@Test
	void whenAnAlertIsDefinedThenItHasASeverityAPendingTimeAndAnnotationsNamingItsLabels() {
		List<Map<String, Object>> alerts = alertRules();
		assertThat(alerts).isNotEmpty();
		for (Map<String, Object> alert : alerts) {
			String name = (String) alert.get("alert");
			assertThat(alert).as(name).containsKeys("expr", "for", "labels", "annotations");
			assertThat(name).as("alert name").startsWith("KafkaTask");
			assertThat(map(alert.get("labels")).get("severity")).as("severity of %s", name).isIn(SEVERITIES);
			Map<String, Object> annotations = map(alert.get("annotations"));
			assertThat(annotations).as("annotations of %s", name).containsKeys("summary", "description");
			assertThat((String) annotations.get("summary")).as("summary of %s", name).contains("{{ $labels.");
			assertThat((String) annotations.get("description")).as("description of %s", name).contains("{{ $labels.");
		}
	}

	@Test
	void whenAnAlertIsDefinedThenAUnitTestExpectsItToFire() {
		Set<String> firing = new TreeSet<>();
		Set<String> tested = new TreeSet<>();
		for (Object test : list(loadYaml(ALERT_TESTS).get("tests"))) {
			for (Object alertTest : list(map(test).getOrDefault("alert_rule_test", List.of()))) {
				String name = (String) map(alertTest).get("alertname");
				tested.add(name);
				if (!list(map(alertTest).getOrDefault("exp_alerts", List.of())).isEmpty()) {
					firing.add(name);
				}
			}
		}
		Set<String> alerts = alertRules().stream()
			.map((alert) -> (String) alert.get("alert"))
			.collect(Collectors.toCollection(TreeSet::new));
		assertThat(firing).as("alerts of %s that a unit test expects to fire", ALERTS).isEqualTo(alerts);
		assertThat(alerts).as("alerts of %s", ALERTS).containsAll(tested);
	}

	@Test
	void whenTheDashboardIsImportedThenEveryPanelQueriesTheDatasourceVariable() {
		JsonNode dashboard = readDashboard();
		List<JsonNode> variables = new ArrayList<>();
		dashboard.path("templating").path("list").forEach(variables::add);
		assertThat(variables).anySatisfy((variable) -> {
			assertThat(variable.path("name").asString()).isEqualTo("datasource");
			assertThat(variable.path("type").asString()).isEqualTo("datasource");
			assertThat(variable.path("query").asString()).isEqualTo("prometheus");
		});
		for (String name : List.of("application", "queue", "owner")) {
			assertThat(variables).as("template variable %s", name)
				.anySatisfy((variable) -> {
					assertThat(variable.path("name").asString()).isEqualTo(name);
					assertThat(variableQuery(variable)).startsWith("label_values(kafka_task_executions_total")
						.endsWith(", " + name + ")");
				});
		}
		Set<Integer> ids = new LinkedHashSet<>();
		for (JsonNode panel : panels(dashboard)) {
			String title = panel.path("title").asString();
			assertThat(ids.add(panel.path("id").asInt())).as("id of panel %s is unique", title).isTrue();
			if (!"row".equals(panel.path("type").asString())) {
				assertThat(panel.path("datasource").path("uid").asString()).as("datasource of panel %s", title)
					.isEqualTo("${datasource}");
				assertThat(panel.path("targets")).as("queries of panel %s", title).isNotEmpty();
				panel.path("targets")
					.forEach((target) -> assertThat(target.path("datasource").path("uid").asString())
						.as("datasource of a query of panel %s", title)
						.isEqualTo("${datasource}"));
			}
		}
	}

	@Test
	void whenAnAlertIsDefinedThenItsRunbookUrlNamesItsSectionOfTheRunbook() {
		for (Map<String, Object> alert : alertRules()) {
			String name = (String) alert.get("alert");
			assertThat(map(alert.get("annotations")).get("runbook_url")).as("runbook_url of %s", name)
				.isEqualTo(RUNBOOK_URL + name.toLowerCase(Locale.ROOT));
		}
	}

	@Test
	void whenTheRunbookHasAnAlertSectionThenTheAlertExistsAndEveryAlertHasOne() {
		List<String> alerts = alertRules().stream().map((alert) -> (String) alert.get("alert")).toList();
		List<String> described = alertSections().stream().map(Section::title).toList();
		assertThat(described).as("alert sections (## <AlertName>) of %s, against the alerts of %s", RUNBOOK, ALERTS)
			.containsExactlyElementsOf(alerts);
		assertThat(sections(readRunbook(), "##")).extracting(Section::title)
			.as("sections of %s", RUNBOOK)
			.contains(PROCEDURES);
	}

	@Test
	void whenTheRunbookDescribesAnAlertThenItSaysWhatItMeansHowToConfirmItAndWhatToDo() {
		for (Section alert : alertSections()) {
			List<Section> subsections = sections(alert.body(), "###");
			assertThat(subsections).extracting(Section::title)
				.as("subsections of ## %s in %s", alert.title(), RUNBOOK)
				.containsExactlyElementsOf(ALERT_SUBSECTIONS);
			subsections.forEach((subsection) -> assertThat(subsection.body())
				.as("### %s of ## %s", subsection.title(), alert.title())
				.isNotBlank());
		}
	}

	@Test
	void whenTheRunbookNamesAMetricThenItIsASeriesOfAKafkaTaskMeter() {
		assertOnlyMeterSeries(Map.of(RUNBOOK.toString(), readRunbook()));
	}

	@Test
	void whenTheRunbookNamesATestOfAProcedureThenItExists() throws IOException {
		Section procedures = sections(readRunbook(), "##").stream()
			.filter((section) -> section.title().equals(PROCEDURES))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No ## " + PROCEDURES + " in " + RUNBOOK));
		List<Section> each = sections(procedures.body(), "###");
		assertThat(each).as("procedures (###) of %s", RUNBOOK).isNotEmpty();
		Map<String, Path> testClasses = testClasses();
		List<String> problems = new ArrayList<>();
		for (Section procedure : each) {
			int named = 0;
			Matcher test = TEST_REFERENCE.matcher(procedure.body());
			while (test.find()) {
				named++;
				String reference = test.group();
				Path source = testClasses.get(test.group(1));
				if (source == null) {
					problems.add(procedure.title() + ": " + reference + ": no class " + test.group(1)
							+ " under any src/test/java of the repository");
				}
				else if (test.group(2) != null && !Files.readString(source).contains("void " + test.group(2) + "(")) {
					problems.add(procedure.title() + ": " + reference + ": no method " + test.group(2) + " in "
							+ REPOSITORY.relativize(source));
				}
			}
			Matcher script = SCRIPT_REFERENCE.matcher(procedure.body());
			while (script.find()) {
				named++;
				if (!Files.isRegularFile(REPOSITORY.resolve(script.group(1)))) {
					problems.add(procedure.title() + ": " + script.group() + ": no such file in the repository");
				}
			}
			if (named == 0) {
				problems.add(procedure.title() + ": names no test or script that exercises it");
			}
		}
		assertThat(problems).as("tests and scripts the procedures of %s name", RUNBOOK).isEmpty();
	}

	private void assertOnlyMeterSeries(Map<String, String> queries) {
		Set<String> known = metersBySeries().keySet();
		List<String> unknown = new ArrayList<>();
		queries.forEach((where, query) -> metrics(query).stream()
			.filter((metric) -> !known.contains(metric))
			.forEach((metric) -> unknown.add(where + ": " + metric)));
		assertThat(unknown).as("series that no meter of KafkaTaskMeters registers").isEmpty();
		assertThat(queries.values()).as("queries").anySatisfy((query) -> assertThat(metrics(query)).isNotEmpty());
	}

	private static void checkLabel(String where, String metric, String label, Map<String, KafkaTaskMeters> meters,
			List<String> problems) {
		KafkaTaskMeters meter = meters.get(metric);
		if (meter == null || TARGET_LABELS.contains(label) || (label.equals("le") && metric.endsWith("_bucket"))) {
			return;
		}
		Set<String> tags = Arrays.stream(meter.getKeyNames()).map(KeyName::asString).collect(Collectors.toSet());
		if (!tags.contains(label)) {
			problems.add(where + ": " + metric + " has no label '" + label + "' (tags of " + meter.name() + ": "
					+ new TreeSet<>(tags) + ", plus " + TARGET_LABELS + ")");
		}
	}

	/**
	 * Prometheus series names of a meter, as Micrometer's Prometheus registry writes them.
	 */
	private static Set<String> seriesNames(KafkaTaskMeters meter) {
		String name = meter.getName().replace('.', '_');
		return switch (meter.getType()) {
			case COUNTER -> Set.of(name + "_total");
			case TIMER -> Set.of(name + "_seconds_count", name + "_seconds_sum", name + "_seconds_bucket",
					name + "_seconds_max");
			case GAUGE -> Set.of(name);
			default -> throw new IllegalStateException("No Prometheus series known for " + meter + " of type "
					+ meter.getType() + ": teach OpsAssetsTests its names");
		};
	}

	private static Map<String, KafkaTaskMeters> metersBySeries() {
		Map<String, KafkaTaskMeters> meters = new LinkedHashMap<>();
		for (KafkaTaskMeters meter : KafkaTaskMeters.values()) {
			seriesNames(meter).forEach((series) -> meters.put(series, meter));
		}
		return meters;
	}

	private static Set<String> metrics(String query) {
		Set<String> metrics = new TreeSet<>();
		Matcher matcher = METRIC.matcher(query);
		while (matcher.find()) {
			metrics.add(matcher.group());
		}
		return metrics;
	}

	private static List<String> labels(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).filter((label) -> !label.isEmpty()).toList();
	}

	/**
	 * The text between the parenthesis at {@code open} and the one that closes it.
	 */
	private static String parenthesized(String text, int open) {
		int depth = 0;
		for (int i = open; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '(') {
				depth++;
			}
			else if (c == ')' && --depth == 0) {
				return text.substring(open + 1, i);
			}
		}
		throw new IllegalArgumentException("Unbalanced parentheses in " + text);
	}

	/**
	 * Each query of the alert rules, of the dashboard and of the runbook's PromQL blocks, by
	 * where it is.
	 */
	private static Map<String, String> allQueries() {
		Map<String, String> queries = new LinkedHashMap<>(alertExpressions());
		queries.putAll(dashboardQueries());
		queries.putAll(runbookQueries());
		return queries;
	}

	/**
	 * Each line of the runbook's {@code ```promql} blocks, one query a line.
	 */
	private static Map<String, String> runbookQueries() {
		Map<String, String> queries = new LinkedHashMap<>();
		Matcher block = PROMQL_BLOCK.matcher(readRunbook());
		int count = 0;
		while (block.find()) {
			for (String line : block.group(1).split("\n")) {
				if (!line.isBlank()) {
					queries.put("runbook query " + (++count), line.trim());
				}
			}
		}
		return queries;
	}

	private static String readRunbook() {
		assertThat(RUNBOOK).as("runbook (is the working directory the module's?)").isRegularFile();
		try {
			return Files.readString(RUNBOOK);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + RUNBOOK, ex);
		}
	}

	/**
	 * The runbook's sections of alerts: {@code ## <AlertName>}.
	 */
	private static List<Section> alertSections() {
		return sections(readRunbook(), "##").stream()
			.filter((section) -> ALERT_HEADING.matcher(section.title()).matches())
			.filter((section) -> !section.title().equals(PROCEDURES))
			.toList();
	}

	/**
	 * The sections of Markdown text under headings of one level ({@code ##} or
	 * {@code ###}), in order, each up to the next heading of that level or a higher one;
	 * lines of fenced code blocks are no headings.
	 */
	private static List<Section> sections(String markdown, String level) {
		String text = CODE_BLOCK.matcher(markdown).replaceAll(
				(block) -> Matcher.quoteReplacement(block.group().replaceAll("(?m)^#", " ")));
		List<Section> sections = new ArrayList<>();
		Matcher heading = HEADING.matcher(text);
		String title = null;
		int start = 0;
		while (heading.find()) {
			if (heading.group(1).length() > level.length()) {
				continue;
			}
			if (title != null) {
				sections.add(new Section(title, text.substring(start, heading.start())));
			}
			title = heading.group(1).equals(level) ? heading.group(2) : null;
			start = heading.end();
		}
		if (title != null) {
			sections.add(new Section(title, text.substring(start)));
		}
		return sections;
	}

	/**
	 * The test classes of every module of the repository, by simple name.
	 */
	private static Map<String, Path> testClasses() throws IOException {
		Map<String, Path> classes = new LinkedHashMap<>();
		try (Stream<Path> modules = Files.list(REPOSITORY)) {
			for (Path module : modules.toList()) {
				Path tests = module.resolve("src/test/java");
				if (Files.isDirectory(tests)) {
					try (Stream<Path> files = Files.walk(tests)) {
						files.filter((file) -> file.getFileName().toString().endsWith("Tests.java"))
							.forEach((file) -> classes.put(file.getFileName().toString().replace(".java", ""), file));
					}
				}
			}
		}
		return classes;
	}

	private static Map<String, String> alertExpressions() {
		Map<String, String> expressions = new LinkedHashMap<>();
		alertRules().forEach((rule) -> expressions.put("alert " + rule.get("alert"), (String) rule.get("expr")));
		return expressions;
	}

	private static List<Map<String, Object>> alertRules() {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Object group : list(loadYaml(ALERTS).get("groups"))) {
			for (Object rule : list(map(group).get("rules"))) {
				rules.add(map(rule));
			}
		}
		return rules;
	}

	/**
	 * The PromQL of each panel target and the selector of each {@code label_values} variable.
	 */
	private static Map<String, String> dashboardQueries() {
		JsonNode dashboard = readDashboard();
		Map<String, String> queries = new LinkedHashMap<>();
		for (JsonNode panel : panels(dashboard)) {
			for (JsonNode target : panel.path("targets")) {
				String expr = target.path("expr").asString("");
				assertThat(expr).as("query %s of panel %s", target.path("refId").asString(),
						panel.path("title").asString())
					.isNotBlank();
				queries.put("panel " + panel.path("id").asInt() + " " + target.path("refId").asString(), expr);
			}
		}
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if ("query".equals(variable.path("type").asString())) {
				Matcher labelValues = LABEL_VALUES.matcher(variableQuery(variable));
				assertThat(labelValues.matches()).as("variable %s is label_values(...)", variable.path("name").asString())
					.isTrue();
				queries.put("variable " + variable.path("name").asString(), labelValues.group(1));
			}
		}
		return queries;
	}

	private static String variableQuery(JsonNode variable) {
		JsonNode query = variable.path("query");
		return query.isObject() ? query.path("query").asString() : query.asString();
	}

	/**
	 * The panels of the dashboard, with those inside collapsed rows.
	 */
	private static List<JsonNode> panels(JsonNode dashboard) {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	private static JsonNode readDashboard() {
		assertThat(DASHBOARD).as("dashboard (is the working directory the module's?)").isRegularFile();
		return JsonMapper.builder().build().readTree(DASHBOARD);
	}

	private static Map<String, Object> loadYaml(Path file) {
		assertThat(file).as("rules (is the working directory the module's?)").isRegularFile();
		try (Reader reader = Files.newBufferedReader(file)) {
			return map(new Yaml().load(reader));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + file, ex);
		}
	}

	/**
	 * A section of Markdown text: its heading's title and what follows it.
	 */
	private record Section(String title, String body) {
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	private static List<?> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<?>) value;
	}

	private void assertPromtoolSucceeds(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(promtool().toString());
		command.addAll(List.of(arguments));
		Path output = this.temp.resolve("promtool.log");
		try {
			Process process = new ProcessBuilder(command).directory(OPS.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(PROMTOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor();
				fail("%s did not end within %s:%n%s", String.join(" ", command), PROMTOOL_TIMEOUT,
						Files.readString(output));
			}
			assertThat(process.exitValue()).as("exit code of %s, which said:%n%s", String.join(" ", command),
					Files.readString(output))
				.isZero();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	/**
	 * promtool on the {@code PATH}; without it, skip the test, or fail it on CI.
	 */
	private static Path promtool() {
		Optional<Path> promtool = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
			.filter((directory) -> !directory.isEmpty())
			.map((directory) -> Path.of(directory, "promtool"))
			.filter(Files::isExecutable)
			.findFirst();
		if (promtool.isEmpty() && "true".equals(System.getenv("CI"))) {
			fail("promtool is not on the PATH: .ci/run must install Debian's package prometheus, which provides it");
		}
		assumeTrue(promtool.isPresent(),
				"promtool is not on the PATH: install Debian's package prometheus "
						+ "(apt-get install prometheus) to check the alert rules and the dashboard queries");
		return promtool.get();
	}

}
