package io.netconverge.it;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh network namespace named after it ({@code nc-<method>-<random>}) and
 * removes it afterwards, also when the test fails. {@code -Dnetconverge.keepNamespaces=true} keeps
 * the namespaces of failed tests for a look with {@code ip netns exec}.
 */
public final class NetnsExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(NetnsExtension.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void beforeEach(ExtensionContext context) {
    String name = nameFor(context.getRequiredTestMethod().getName());
    TestNamespace.hostRun("ip", "netns", "add", name);
    TestNamespace ns = new TestNamespace(name);
    context.getStore(STORE).put("ns", ns);
    ns.run("ip", "link", "set", "lo", "up");
    // A new namespace inherits some IPv4 settings from the host's; start every test from the
    // kernel's defaults whatever the host (or a Docker engine on it) has set.
    ns.resetSysctlBaseline();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestNamespace ns = context.getStore(STORE).remove("ns", TestNamespace.class);
    if (ns == null) {
      return;
    }
    if (context.getExecutionException().isPresent()
        && Boolean.getBoolean("netconverge.keepNamespaces")) {
      System.err.println("kept network namespace " + ns.name() + " of a failed test");
      return;
    }
    TestNamespace.hostRun("ip", "netns", "del", ns.name());
  }

  static String nameFor(String method) {
    String base = method.replaceAll("[^A-Za-z0-9]", "");
    if (base.length() > 40) {
      base = base.substring(0, 40);
    }
    byte[] id = new byte[3];
    RANDOM.nextBytes(id);
    return "nc-" + base + "-" + HexFormat.of().formatHex(id);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestNamespace.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(STORE).get("ns", TestNamespace.class);
  }
}
