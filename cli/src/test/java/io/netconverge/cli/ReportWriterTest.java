package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.HostReport.Status;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.engine.ResourceId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

  private static final List<PendingPart> PENDING =
      List.of(
          new PendingPart("isp2", "route table isp2 (120)", "interface wan1 is down"),
          new PendingPart("isp2", "outbound default via wan1", "interface wan1 is down"));

  private static HostReport degraded() {
    return HostReport.of("r1", Mode.APPLY, Status.OK, List.of()).withPendingParts(PENDING);
  }

  @Test
  void theRecapOfAHostWithPendingPartsSaysHowMany() {
    StringWriter text = new StringWriter();
    ReportWriter.recap(
        new PrintWriter(text, true),
        List.of(degraded(), HostReport.of("r2", Mode.APPLY, Status.OK, List.of())));
    assertThat(text.toString())
        .isEqualTo(
            "r1 : ok=0 changed=0 failed=0 pending=2"
                + System.lineSeparator()
                + "r2 : ok=0 changed=0 failed=0"
                + System.lineSeparator());
  }

  @Test
  void theRecapSaysWhichHostsFileTheirTargetRefused() {
    StringWriter text = new StringWriter();
    ReportWriter.recap(
        new PrintWriter(text, true),
        List.of(
            HostReport.failed(
                "a", Mode.APPLY, List.of(), io.netconverge.core.engine.Failure.of("refused"))));
    String failed = text.toString();
    text.getBuffer().setLength(0);
    ReportWriter.recap(
        new PrintWriter(text, true),
        List.of(
            new HostReport(
                "a",
                Mode.APPLY,
                Status.INVALID,
                List.of(),
                java.util.Optional.of(io.netconverge.core.engine.Failure.of("refused")),
                false,
                HostReport.Restoration.NOT_NEEDED)));
    assertThat(failed).isEqualTo("a : ok=0 changed=0 failed=1" + System.lineSeparator());
    assertThat(text.toString())
        .isEqualTo("a : ok=0 changed=0 failed=1 invalid" + System.lineSeparator());
  }

  @Test
  void theJsonStatusOfAHostWithPendingPartsIsMarkedDegraded() throws Exception {
    StringWriter text = new StringWriter();
    ReportWriter.json(
        new PrintWriter(text, true), "apply", "f.yaml", List.of(degraded()), Map.of());
    JsonNode host = new ObjectMapper().readTree(text.toString()).path("hosts").get(0);
    assertThat(host.path("degraded").asBoolean()).isTrue();
    assertThat(host.path("status").asText()).isEqualTo("ok");
  }

  @Test
  void anApplyAwaitingItsConfirmSaysSoInTheRecapAndTheJson() throws Exception {
    java.time.Instant at = java.time.Instant.parse("2026-12-03T08:00:00Z");
    HostReport waiting =
        HostReport.of("r1", Mode.APPLY, Status.CHANGED, List.of()).awaitingConfirm(at);
    StringWriter text = new StringWriter();
    ReportWriter.recap(new PrintWriter(text, true), List.of(waiting));
    assertThat(text.toString())
        .startsWith("r1 : ok=0 changed=0 failed=0 NOT CONFIRMED (reverts at 2026-12-03T08:00:00Z)");
    StringWriter json = new StringWriter();
    ReportWriter.json(new PrintWriter(json, true), "apply", "f.yaml", List.of(waiting), Map.of());
    JsonNode host = new ObjectMapper().readTree(json.toString()).path("hosts").get(0);
    assertThat(host.path("confirmBy").asText()).isEqualTo("2026-12-03T08:00:00Z");
    StringWriter plain = new StringWriter();
    ReportWriter.json(
        new PrintWriter(plain, true), "apply", "f.yaml", List.of(waiting.confirmed()), Map.of());
    assertThat(
            new ObjectMapper()
                .readTree(plain.toString())
                .path("hosts")
                .get(0)
                .path("confirmBy")
                .isNull())
        .isTrue();
  }

  @Test
  void aRuleListCountsItsRulesAndARouteNamesItsFields() {
    Change chain =
        Change.update(
            new ResourceId("iptables", "mangle NC-X"),
            ChangeValue.text("a"),
            ChangeValue.text("b"),
            List.of(
                FieldChange.added("rule 2", "-j MARK"),
                FieldChange.removed("rule 3", "-j ACCEPT")));
    Change route =
        Change.update(
            new ResourceId("route table", "isp1(110) default metric 0"),
            ChangeValue.text("a"),
            ChangeValue.text("b"),
            List.of(
                FieldChange.added("nexthops", "2"),
                FieldChange.removed("via", "198.51.100.1"),
                FieldChange.removed("dev", "wan0")));
    StringWriter text = new StringWriter();
    ReportWriter.text(
        new PrintWriter(text, true),
        HostReport.of("r1", Mode.PLAN, Status.CHANGED, List.of(chain, route)),
        false);
    assertThat(text.toString())
        .contains("~ iptables mangle NC-X (1 added, 0 changed, 1 removed)")
        .contains("~ route table isp1(110) default metric 0 (nexthops, via, dev)");
  }
}
