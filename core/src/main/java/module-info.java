/**
 * The engine: the change model and runner, executors for every kind of target, the converge lock,
 * strict file loading and shared network values. Resource modules build on it.
 */
module io.netconverge.core {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;
  requires org.apache.commons.exec;
  requires org.slf4j;

  exports io.netconverge.core.diff;
  exports io.netconverge.core.engine;
  exports io.netconverge.core.exec;
  exports io.netconverge.core.net;
  exports io.netconverge.core.spec;
  // The throw-away namespace with a host state's interfaces that --sandbox and validate use.
  exports io.netconverge.core.sandbox;

  // Values bound from files (@JsonCreator factories) are read reflectively by Jackson.
  opens io.netconverge.core.net to
      com.fasterxml.jackson.databind;
}
