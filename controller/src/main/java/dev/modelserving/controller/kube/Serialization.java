package dev.modelserving.controller.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The one JSON (de)serialisation of this process: fabric8's, with Jackson's Blackbird module. The
 * client decodes every watch event and response with it, and the conversion and revision hashing
 * use it (JOSDK's copy of each primary before a pass is off: {@link PrimaryCloner}). Blackbird
 * replaces Jackson's reflective getter and setter calls by generated lambdas: under C1, where the
 * reflective call chains are not inlined, decoding, encoding and cloning a pod take about 40% less
 * CPU (measured, issue #10).
 */
public final class Serialization {
  /** Shared: a mapper keeps its (de)serialiser caches, so one instance costs less than several. */
  public static final KubernetesSerialization SHARED = new WithBlackbird(new ObjectMapper());

  private Serialization() {}

  /** The mapper behind {@link #SHARED}, for the test that checks how it is put together. */
  static ObjectMapper mapper() {
    return ((WithBlackbird) SHARED).mapper;
  }

  private static final class WithBlackbird extends KubernetesSerialization {
    private final ObjectMapper mapper;

    WithBlackbird(ObjectMapper mapper) {
      super(mapper, true);
      this.mapper = mapper;
    }

    @Override
    protected void configureMapper(ObjectMapper mapper) {
      super.configureMapper(mapper);
      // Registered after fabric8's modules, so that its property modifier runs first and fabric8's
      // property wrappers (unmatched-field handling) wrap the generated accessors.
      mapper.registerModule(new BlackbirdModule());
    }
  }
}
