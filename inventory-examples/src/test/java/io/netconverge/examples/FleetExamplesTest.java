package io.netconverge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.inventory.Connection;
import io.netconverge.inventory.Inventory;
import io.netconverge.inventory.InventoryHost;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fleet examples load as they are documented; fleet-lab.yaml is also converged in it-tests. */
class FleetExamplesTest {

  private static Path example(String name) {
    return Path.of(System.getProperty("basedir", ".")).resolve(name);
  }

  @Test
  void theRoutersExampleMeansWhatItsCommentsSay() throws Exception {
    Inventory inventory = Netconverge.loadInventory(example("fleet-routers.yaml"));
    assertThat(inventory.hosts())
        .extracting(InventoryHost::name)
        .containsExactly("edge1", "edge2", "edge3.example.net", "ci-router", "this-machine");
    assertThat(inventory.select(java.util.List.of("edge"))).hasSize(3);
    Connection.Ssh edge2 = (Connection.Ssh) inventory.hosts().get(1).connection();
    assertThat(edge2.connection().host()).isEqualTo("192.0.2.12");
    assertThat(edge2.connection().user()).contains("root");
    assertThat(edge2.connection().port()).hasValue(2222);
    assertThat(edge2.connection().options()).containsEntry("ProxyJump", "bastion.example.net");
    Connection.Ssh edge3 = (Connection.Ssh) inventory.hosts().get(2).connection();
    assertThat(edge3.connection().host()).isEqualTo("edge3.example.net");
    assertThat(inventory.hosts().get(3).connection()).isEqualTo(new Connection.Docker("ci-router"));
    assertThat(inventory.hosts().get(4).connection()).isEqualTo(new Connection.Local());
    // Hosts naming one file share one loaded host state.
    assertThat(inventory.hosts().get(0).state()).isSameAs(inventory.hosts().get(2).state());
  }

  @Test
  void theLabExampleIsTwoNamespacesWithTheBasicsHostState() throws Exception {
    Inventory inventory = Netconverge.loadInventory(example("fleet-lab.yaml"));
    assertThat(inventory.hosts())
        .extracting(InventoryHost::connection)
        .containsExactly(new Connection.Netns("lab1"), new Connection.Netns("lab2"));
    assertThat(inventory.hosts().get(0).state().declared())
        .extracting(d -> d.state())
        .isEqualTo(
            Netconverge.load(example("sysctl-basics.yaml")).declared().stream()
                .map(d -> d.state())
                .toList());
  }
}
