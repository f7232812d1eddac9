package dev.modelserving.controller.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh namespace for one test class, deleted afterwards. Register with {@code @RegisterExtension
 * static final TestNamespace ns = new TestNamespace("prefix");}.
 */
public final class TestNamespace implements BeforeAllCallback, AfterAllCallback {
  private final String prefix;
  private String name;

  public TestNamespace(String prefix) {
    this.prefix = prefix;
  }

  public String name() {
    return name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    name = LocalCluster.createNamespace(prefix);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (name != null) {
      LocalCluster.deleteNamespace(name);
    }
  }
}
