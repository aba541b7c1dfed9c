/**
 * The resource modules (sysctl, routing tables, ip rules, nftables, iptables), the dualWan profile,
 * host state and inventory files, and the library's entry points ({@code io.netconverge.Converger},
 * {@code io.netconverge.Netconverge}).
 */
module io.netconverge.modules {
  requires transitive io.netconverge.core;
  requires org.slf4j;

  exports io.netconverge;
  exports io.netconverge.hoststate;
  exports io.netconverge.inventory;
  exports io.netconverge.facts;
  // The file forms a HostState.builder() takes, and the values they hold.
  exports io.netconverge.sysctl;
  exports io.netconverge.route;
  exports io.netconverge.iprule;
  exports io.netconverge.nftables;
  exports io.netconverge.iptables;
  exports io.netconverge.dualwan;
  exports io.netconverge.links;
  // Converging a file in a container of a Debian release (the testkit, `converge test`).
  exports io.netconverge.container;
  // Confirm-or-revert on the target: the reverter, its confirm, the health check.
  exports io.netconverge.trust;

  // Files are bound to these packages' records by Jackson, reflectively.
  opens io.netconverge.hoststate to
      com.fasterxml.jackson.databind;
  opens io.netconverge.inventory to
      com.fasterxml.jackson.databind;
  opens io.netconverge.sysctl to
      com.fasterxml.jackson.databind;
  opens io.netconverge.route to
      com.fasterxml.jackson.databind;
  opens io.netconverge.iprule to
      com.fasterxml.jackson.databind;
  opens io.netconverge.nftables to
      com.fasterxml.jackson.databind;
  opens io.netconverge.iptables to
      com.fasterxml.jackson.databind;
  opens io.netconverge.dualwan to
      com.fasterxml.jackson.databind;
  opens io.netconverge.links to
      com.fasterxml.jackson.databind;
  opens io.netconverge.facts to
      com.fasterxml.jackson.databind;
}
