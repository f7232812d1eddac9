package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.awaitAvailable;
import static dev.modelserving.controller.it.ModelServingSupport.client;
import static dev.modelserving.controller.it.ModelServingSupport.expectedPodNames;
import static dev.modelserving.controller.it.ModelServingSupport.modelServings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kubectl delete -f x.yaml && kubectl apply -f x.yaml} while the old pods still terminate
 * (held Terminating here by a finalizer of the test's): the new object waits for the names, POSTs
 * no pod whose name a pod of its predecessor still holds, records no Event twice, and converges
 * with every pod created once, owned by the new object, once the old pods are gone. The writes are
 * counted from the controller's own {@code modelserving_api_writes_total}.
 */
class SameNameRecreateIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("recreate");
  private static final String HOLD = "modelserving.dev/it-hold";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern WRITES =
      Pattern.compile("(?m)^modelserving_api_writes_total\\{([^}]*)} ([0-9.E]+)$");

  private static ControllerProcess controller;
  private static int port;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("SameNameRecreateIT");
    port = controller.httpPort();
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void aModelServingRecreatedWhileItsPodsTerminateWaitsForTheirNames() throws Exception {
    String name = "ms-again";
    ModelServing manifest = ModelServingYaml.of(name, 2, "", ModelServingYaml.role("r", 1, 1));
    Set<String> names = expectedPodNames(manifest);
    modelServings().inNamespace(ns.name()).resource(manifest).create();
    awaitAvailable(ns.name(), name, 2, names);
    List<String> revisions = revisionNames(name);
    assertThat(revisions).as("ControllerRevisions of %s", name).isNotEmpty();
    List<String> services = serviceNames(name);
    assertThat(services).as("headless Services of %s", name).isNotEmpty();
    try {
      names.forEach(p -> hold(pod(p)));
      revisions.forEach(r -> hold(revision(r)));
      services.forEach(r -> hold(service(r)));
      modelServings()
          .inNamespace(ns.name())
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      awaitAllTerminating(names);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ModelServingSupport.get(ns.name(), name) == null);

      double podCreates = writes("create", "pods");
      double revisionCreates = writes("create", "controllerrevisions");
      double serviceCreates = writes("create", "services");
      ModelServing recreated = modelServings().inNamespace(ns.name()).resource(manifest).create();
      String uid = recreated.getMetadata().getUid();
      pokeOldPods(names);

      assertThat(writes("create", "pods") - podCreates)
          .as("pod POSTs while every name is held by a pod of the previous ModelServing")
          .isEqualTo(0.0);
      assertThat(writes("create", "controllerrevisions") - revisionCreates)
          .as("ControllerRevision POSTs while the previous ModelServing's revision holds the name")
          .isEqualTo(0.0);
      assertThat(writes("create", "services") - serviceCreates)
          .as("Service POSTs while the previous ModelServing's Services hold the names")
          .isEqualTo(0.0);
      assertThat(
              ModelServingSupport.condition(
                  ModelServingSupport.get(ns.name(), name), "Progressing"))
          .as("the status says what the new ModelServing waits for")
          .hasValueSatisfying(
              c -> assertThat(c.getMessage()).contains("previous ModelServing").contains(name));
      assertNoEventRepeated(uid);

      names.forEach(p -> release(pod(p)));
      revisions.forEach(r -> release(revision(r)));
      services.forEach(r -> release(service(r)));
      awaitAvailable(ns.name(), name, 2, names);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(revisionNames(name))
                      .as("the new ModelServing's revision, once the old one is gone")
                      .isNotEmpty());
      assertThat(writes("create", "controllerrevisions") - revisionCreates)
          .as("ControllerRevision POSTs from the re-apply to convergence")
          .isEqualTo(1.0);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(serviceNames(name)).containsExactlyElementsOf(services));
      assertThat(writes("create", "services") - serviceCreates)
          .as("Service POSTs from the re-apply to convergence: each name once")
          .isEqualTo(services.size());
      assertOwnedBy(ModelServingSupport.pods(ns.name(), name), uid);
      assertThat(writes("create", "pods") - podCreates)
          .as("pod POSTs from the re-apply to convergence: each name once")
          .isEqualTo(names.size());
      assertNoEventRepeated(uid);
    } finally {
      names.forEach(p -> release(pod(p)));
      revisions.forEach(r -> release(revision(r)));
      services.forEach(r -> release(service(r)));
    }
  }

  @Test
  void aLeaderWorkerSetRecreatedWhileItsModelServingAndPodsGoWaitsForThem() throws Exception {
    String name = "lws-again";
    LeaderWorkerSet manifest = Lws.simple(name, 2, 2, "", "");
    Set<String> names = Lws.podNames(name, 2, 2);
    Lws.lwss().inNamespace(ns.name()).resource(manifest).create();
    Lws.awaitReady(ns.name(), name, 2, 2);
    Resource<ModelServing> oldMs = modelServings().inNamespace(ns.name()).withName(name);
    String oldMsUid = oldMs.get().getMetadata().getUid();
    try {
      names.forEach(p -> hold(pod(p)));
      hold(oldMs);
      Lws.lwss()
          .inNamespace(ns.name())
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      // The garbage collector deletes the old ModelServing, which the test's finalizer keeps.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Lws.get(ns.name(), name) == null
                      && oldMs.get().getMetadata().getDeletionTimestamp() != null);

      double podCreates = writes("create", "pods");
      double msApplies = writes("apply", "modelservings");
      LeaderWorkerSet recreated = Lws.lwss().inNamespace(ns.name()).resource(manifest).create();
      String uid = recreated.getMetadata().getUid();
      pokeOldPods(names);
      assertThat(writes("apply", "modelservings") - msApplies)
          .as("ModelServing applies while the previous one is being deleted")
          .isEqualTo(0.0);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Lws.condition(Lws.get(ns.name(), name), "Progressing"))
                      .as("the LWS status says what it waits for")
                      .hasValueSatisfying(
                          c ->
                              assertThat(c.getMessage())
                                  .contains("previous LeaderWorkerSet")
                                  .doesNotContain("delete or rename")));
      assertNoEventRepeated(uid);

      // The old ModelServing goes; the garbage collector deletes its pods, which stay Terminating.
      release(oldMs);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                ModelServing ms = oldMs.get();
                return ms != null && !ms.getMetadata().getUid().equals(oldMsUid);
              });
      awaitAllTerminating(names);
      String msUid = oldMs.get().getMetadata().getUid();
      pokeOldPods(names);
      assertThat(writes("create", "pods") - podCreates)
          .as("pod POSTs while every name is held by a pod of the previous ModelServing")
          .isEqualTo(0.0);
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Lws.condition(Lws.get(ns.name(), name), "Progressing"))
                      .as("the LWS status says what its ModelServing waits for")
                      .hasValueSatisfying(
                          c -> assertThat(c.getMessage()).contains("previous ModelServing")));
      assertNoEventRepeated(uid);
      assertNoEventRepeated(msUid);

      names.forEach(p -> release(pod(p)));
      Lws.awaitReady(ns.name(), name, 2, 2);
      assertOwnedBy(Lws.pods(ns.name(), name).values(), msUid);
      assertThat(writes("create", "pods") - podCreates)
          .as("pod POSTs from the re-apply to convergence: each name once")
          .isEqualTo(names.size());
      assertNoEventRepeated(uid);
      assertNoEventRepeated(msUid);
    } finally {
      names.forEach(p -> release(pod(p)));
      release(oldMs);
    }
  }

  private static Resource<Pod> pod(String name) {
    return client().pods().inNamespace(ns.name()).withName(name);
  }

  private static Resource<ControllerRevision> revision(String name) {
    return client().apps().controllerRevisions().inNamespace(ns.name()).withName(name);
  }

  private static List<String> revisionNames(String ms) {
    return client()
        .apps()
        .controllerRevisions()
        .inNamespace(ns.name())
        .withLabel("modelserving.volcano.sh/name", ms)
        .list()
        .getItems()
        .stream()
        .map(r -> r.getMetadata().getName())
        .toList();
  }

  private static Resource<io.fabric8.kubernetes.api.model.Service> service(String name) {
    return client().services().inNamespace(ns.name()).withName(name);
  }

  /** The live ones, sorted. */
  private static List<String> serviceNames(String ms) {
    return client()
        .services()
        .inNamespace(ns.name())
        .withLabel("modelserving.volcano.sh/name", ms)
        .list()
        .getItems()
        .stream()
        .filter(svc -> svc.getMetadata().getDeletionTimestamp() == null)
        .map(svc -> svc.getMetadata().getName())
        .sorted()
        .toList();
  }

  private static <T extends HasMetadata> void hold(Resource<T> resource) {
    Edits.edit(
        resource,
        o -> {
          o.getMetadata().getFinalizers().add(HOLD);
          return o;
        });
  }

  private static <T extends HasMetadata> void release(Resource<T> resource) {
    T o = resource.get();
    if (o != null && o.getMetadata().getFinalizers().contains(HOLD)) {
      Edits.edit(
          resource,
          x -> {
            x.getMetadata().getFinalizers().remove(HOLD);
            return x;
          });
    }
  }

  private static void awaitAllTerminating(Set<String> names) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                names.stream()
                    .map(n -> pod(n).get())
                    .allMatch(p -> p != null && p.getMetadata().getDeletionTimestamp() != null));
  }

  /**
   * The old pods change while they terminate (as a kubelet reports their containers stopping): each
   * change is an event for the new object of the same name, so each brings a pass.
   */
  private static void pokeOldPods(Set<String> names) throws InterruptedException {
    for (int round = 0; round < 4; round++) {
      String value = Integer.toString(round);
      for (String n : names) {
        Edits.edit(
            pod(n),
            p -> {
              p.getMetadata().getAnnotations().put("it.modelserving.dev/poke", value);
              return p;
            });
      }
      Thread.sleep(1000);
    }
  }

  private static void assertOwnedBy(Iterable<Pod> pods, String uid) {
    for (Pod p : pods) {
      assertThat(p.getMetadata().getOwnerReferences())
          .as("owner of pod %s", p.getMetadata().getName())
          .anySatisfy(
              r -> {
                assertThat(r.getController()).isTrue();
                assertThat(r.getUid()).isEqualTo(uid);
              });
    }
  }

  /** Each Event on the object (by UID) is recorded once, however many passes ran. */
  private static void assertNoEventRepeated(String uid) {
    Map<String, Integer> times = new TreeMap<>();
    for (Event e : client().v1().events().inNamespace(ns.name()).list().getItems()) {
      if (uid.equals(e.getInvolvedObject().getUid())) {
        int count = e.getCount() == null ? 1 : Math.max(1, e.getCount());
        times.merge(e.getReason() + ": " + e.getMessage(), count, Integer::sum);
      }
    }
    assertThat(times)
        .as("Events on %s, by reason and message", uid)
        .allSatisfy(
            (k, n) -> {
              assertThat(n).as(k).isEqualTo(1);
            });
  }

  /** The controller's write counter for {@code verb} and {@code resource}, over all namespaces. */
  private static double writes(String verb, String resource) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double total = 0;
    Matcher m = WRITES.matcher(body);
    while (m.find()) {
      Map<String, String> labels = new HashMap<>();
      for (String pair : List.of(m.group(1).split(","))) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).replace("\"", ""));
        }
      }
      if (verb.equals(labels.get("verb")) && resource.equals(labels.get("resource"))) {
        total += Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
