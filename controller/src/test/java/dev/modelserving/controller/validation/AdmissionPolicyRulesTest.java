package dev.modelserving.controller.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.lws.LwsValidator;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The CEL admission policies of the Helm chart against the rules of the controller, rule by rule
 * and without a cluster ({@code AdmissionPolicyIT} runs them in an API server). Every regular
 * expression the policies match with must be one of the rules' ({@link NameRules}, {@link
 * IntOrPercent}), and decide sample values as the rule does; every length or count limit in them
 * must be where the validators draw the line (accepted at the limit, refused one above).
 */
class AdmissionPolicyRulesTest {
  static final Path ADMISSION =
      Path.of("..", "deploy", "helm", "modelserving-controller", "templates", "admission");
  static final Path LWS_POLICY = ADMISSION.resolve("leaderworkerset-policy.yaml");
  static final Path MS_POLICY = ADMISSION.resolve("modelserving-policy.yaml");
  static final Path DOCS = Path.of("..", "docs", "admission-policies.md");

  // ---- regular expressions ----

  static final List<String> NAME_SAMPLES =
      List.of(
          "a", "my-name", "abc-123", "a1", "a-b-c", "a-", "-a", "1a", "A", "aB", "a_b", "a.b",
          "a b", "", "ä", "a--b", "z9-");
  static final List<String> PERCENT_SAMPLES =
      List.of(
          "0%",
          "5%",
          "100%",
          "101%",
          "007%",
          "5",
          "-5%",
          "+5%",
          "5.5%",
          " 5%",
          "5% ",
          "%",
          "",
          "2147483647%",
          "2147483648%",
          "9999999999%",
          "12345678901%",
          "5%%",
          "٥%");
  static final List<String> IMAGE_SAMPLES =
      List.of(
          "nginx",
          "registry.example.com/vllm:v0.6.0",
          "nginx latest",
          "nginx\t",
          "\nnginx",
          "ngi\rnx",
          "a\u000Bb",
          "a\fb");

  /** A rule as the policies state it: the CEL regex literal and what the Java rule says. */
  record RegexRule(String name, String celLiteral, Predicate<String> java, List<String> samples) {}

  static final List<RegexRule> REGEX_RULES =
      List.of(
          new RegexRule(
              "DNS-1035 label",
              "^" + NameRules.DNS_1035_LABEL + "$",
              NameRules::isDns1035Label,
              NAME_SAMPLES),
          new RegexRule(
              "DNS-1035 prefix",
              "^" + NameRules.DNS_1035_PREFIX + "$",
              NameRules::isDns1035Prefix,
              NAME_SAMPLES),
          // CEL also checks int(digits) <= 2147483647 (see muParsed, msParsed): emulated below.
          new RegexRule(
              "int-or-percent string",
              "^[0-9]{1,10}%$",
              s -> IntOrPercent.parse(new IntOrString(s)).isPresent(),
              PERCENT_SAMPLES),
          // ModelServingValidator: Character.isWhitespace; RE2's \s is its ASCII part (see
          // IMAGE_SAMPLES).
          new RegexRule(
              "whitespace in an image",
              "\\s",
              s -> s.chars().anyMatch(Character::isWhitespace),
              IMAGE_SAMPLES));

  static String read(Path path) throws IOException {
    return Files.readString(path);
  }

  /** The string literals passed to {@code matches(...)}, with CEL's escapes undone. */
  static List<String> matchLiterals(String policy) {
    List<String> literals = new ArrayList<>();
    Matcher m = Pattern.compile("\\.matches\\('((?:[^'\\\\]|\\\\.)*)'\\)").matcher(policy);
    while (m.find()) {
      literals.add(m.group(1).replace("\\\\", "\\"));
    }
    return literals;
  }

  @Test
  void everyRegexInThePoliciesIsARuleOfTheController() throws IOException {
    for (Path policy : List.of(LWS_POLICY, MS_POLICY)) {
      List<String> literals = matchLiterals(read(policy));
      assertThat(literals).as(policy.toString()).isNotEmpty();
      assertThat(literals)
          .as("regexes of %s", policy)
          .allSatisfy(l -> assertThat(REGEX_RULES).extracting(RegexRule::celLiteral).contains(l));
    }
    assertThat(matchLiterals(read(LWS_POLICY)))
        .contains("^" + NameRules.DNS_1035_LABEL + "$", "^[0-9]{1,10}%$");
    assertThat(matchLiterals(read(MS_POLICY)))
        .contains(
            "^" + NameRules.DNS_1035_LABEL + "$", "^" + NameRules.DNS_1035_PREFIX + "$", "\\s");
  }

  @Test
  void theRegexesDecideAsTheRules() {
    for (RegexRule rule : REGEX_RULES) {
      // java.util.regex reads these RE2 patterns alike; the policies anchor with ^ and $ or search.
      Pattern cel = Pattern.compile(rule.celLiteral());
      for (String sample : rule.samples()) {
        boolean admitted = cel.matcher(sample).find();
        if (admitted && rule.name().equals("int-or-percent string")) {
          admitted = Long.parseLong(sample.substring(0, sample.length() - 1)) <= Integer.MAX_VALUE;
        }
        assertThat(admitted)
            .as("%s: %s", rule.name(), Map.of("sample", sample))
            .isEqualTo(rule.java().test(sample));
      }
    }
  }

  @Test
  void knownDifference_nonAsciiWhitespaceInAnImageIsLeftToTheController() {
    // RE2's \s (like java.util.regex's) is ASCII only; the controller also refuses e.g. an em
    // space.
    String image = "nginx\u2003latest";
    assertThat(Pattern.compile("\\s").matcher(image).find()).isFalse();
    assertThat(image.chars().anyMatch(Character::isWhitespace)).isTrue();
  }

  // ---- limits ----

  /** The single number captured by {@code regex} in {@code policy}, which must occur. */
  static List<Integer> numbers(String policy, String regex) {
    List<Integer> found = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(policy);
    while (m.find()) {
      found.add(Integer.parseInt(m.group(1)));
    }
    assertThat(found).as("%s in the policy", regex).isNotEmpty();
    return found;
  }

  static LeaderWorkerSet lws(String name, int replicas, int size) {
    return PodFixture.SERIALIZATION.unmarshal(
        """
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata:
          name: %s
          namespace: default
        spec:
          replicas: %d
          leaderWorkerTemplate:
            size: %d
            workerTemplate:
              spec:
                containers:
                - name: c
                  image: nginx
        """
            .formatted(name, replicas, size),
        LeaderWorkerSet.class);
  }

  static String name(int length) {
    return "a".repeat(length);
  }

  @Test
  void lwsNameLengthLimitIsTheValidatorsLimit() throws IOException {
    for (int limit : numbers(read(LWS_POLICY), "size\\(variables\\.name\\) <= (\\d+)")) {
      assertThat(limit).isEqualTo(NameRules.MAX_DNS_LABEL_LENGTH);
      assertThat(LwsValidator.validate(lws(name(limit), 1, 1))).isEmpty();
      assertThat(LwsValidator.validate(lws(name(limit + 1), 1, 1)))
          .extracting(Violation::field)
          .contains("metadata.name");
    }
  }

  @Test
  void lwsReplicasLimitIsTheValidatorsLimit() throws IOException {
    for (int limit : numbers(read(LWS_POLICY), "expression: \"variables\\.replicas <= (\\d+)\"")) {
      assertThat(LwsValidator.validate(lws("a", limit, 1))).isEmpty();
      assertThat(LwsValidator.validate(lws("a", limit + 1, 1)))
          .extracting(Violation::field)
          .contains("spec.replicas");
    }
  }

  @Test
  void lwsPodNameLimitIsTheUnsupportedCheck() throws IOException {
    for (int limit : numbers(read(LWS_POLICY), "size\\(variables\\.longestPod\\) <= (\\d+)")) {
      // replicas 1, size 2: the longest pod is <name>-0-1, 4 characters longer than the name.
      assertThat(LwsValidator.unsupported(lws(name(limit - 4), 1, 2))).isEmpty();
      assertThat(LwsValidator.unsupported(lws(name(limit - 3), 1, 2)))
          .extracting(Violation::field)
          .contains("metadata.name");
    }
  }

  @Test
  void modelServingGeneratedNameLimitIsTheValidatorsLimit() throws IOException {
    for (int limit :
        numbers(
            read(MS_POLICY),
            "\\+ string\\(r\\.\\?workerReplicas\\.orValue\\(0\\)\\)\\) > (\\d+)\\)")) {
      // replicas 1, role "r" with 1 replica and no workers: <name>-1-r-1-0 is the name plus 8.
      ModelServing fits = ModelServingFixture.named(name(limit - 8)).role("r", 1, 0).build();
      ModelServing tooLong = ModelServingFixture.named(name(limit - 7)).role("r", 1, 0).build();
      assertThat(ModelServingValidator.validate(fits)).isEmpty();
      assertThat(ModelServingValidator.validate(tooLong))
          .extracting(Violation::field)
          .contains("metadata.name");
    }
  }

  @Test
  void messagesAndDocsStateTheSameLimits() throws IOException {
    for (Path policy : List.of(LWS_POLICY, MS_POLICY)) {
      assertThat(numbers(read(policy), "more than the (\\d+) allowed"))
          .containsOnly(NameRules.MAX_DNS_LABEL_LENGTH);
    }
    assertThat(numbers(read(LWS_POLICY), "must be no more than (\\d+) characters"))
        .containsOnly(NameRules.MAX_DNS_LABEL_LENGTH);
    String docs = read(DOCS);
    assertThat(numbers(docs, "name at most (\\d+) characters"))
        .containsOnly(NameRules.MAX_DNS_LABEL_LENGTH);
    assertThat(numbers(docs, "fit (\\d+) characters")).containsOnly(NameRules.MAX_DNS_LABEL_LENGTH);
    assertThat(numbers(docs, "pod name <= (\\d+) characters"))
        .containsOnly(NameRules.MAX_DNS_LABEL_LENGTH);
  }
}
