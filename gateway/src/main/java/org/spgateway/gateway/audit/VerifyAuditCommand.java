package org.spgateway.gateway.audit;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar spgateway-gateway.jar --verify-audit [--spgateway.data-dir=...]}: verifies the audit log of the
 * configured database, prints the report and exits 0 when intact, 1 when not. For IG leads and scheduled checks that
 * should not depend on a running gateway.
 */
@Component
@Order(-100)
public class VerifyAuditCommand implements ApplicationRunner {

    private final AuditVerifier verifier;
    private final ConfigurableApplicationContext context;

    public VerifyAuditCommand(AuditVerifier verifier, ConfigurableApplicationContext context) {
        this.verifier = verifier;
        this.context = context;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!args.containsOption("verify-audit")) {
            return;
        }
        AuditVerifier.Report report = verifier.verify();
        System.out.println(report.intact()
                ? "AUDIT LOG INTACT: " + report.records() + " records, " + report.checkpoints() + " signed checkpoints"
                : "AUDIT LOG NOT INTACT: " + report.issues().size() + " finding(s) in " + report.records() + " records");
        for (AuditVerifier.Issue issue : report.issues()) {
            System.out.println("  " + issue.type() + " at record " + issue.seq() + ": " + issue.detail());
        }
        int code = report.intact() ? 0 : 1;
        System.exit(SpringApplication.exit(context, () -> code));
    }
}
