package org.spgateway.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The social prescribing gateway: FHIR for GP systems, signed JSON for VCS organisations. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {
    public static void main(String[] args) throws java.io.IOException {
        if (java.util.Arrays.asList(args).contains("--hash-password")) {
            // Reads one password from standard input and prints it encoded for spgateway.security.accounts[n].password.
            String password = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            if (password == null || password.isEmpty()) {
                System.err.println("Type the password on standard input, e.g. read -s P && echo \"$P\" | java -jar spgateway-gateway.jar --hash-password");
                System.exit(2);
            }
            System.out.println(org.springframework.security.crypto.factory.PasswordEncoderFactories
                    .createDelegatingPasswordEncoder().encode(password));
            return;
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
