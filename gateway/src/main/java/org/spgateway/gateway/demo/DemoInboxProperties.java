package org.spgateway.gateway.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in demo VCS inbox ({@code spgateway.demo.vcs-inbox.*}), switched on by the {@code demo} profile that
 * {@code ./run.sh} starts with. Never switch it on in production: the page acts for a VCS service without a login.
 *
 * @param enabled whether {@code /demo/vcs} exists
 * @param service the directory service it plays; its webhook URL must be this gateway's {@code /demo/vcs/webhook}
 */
@ConfigurationProperties("spgateway.demo.vcs-inbox")
public record DemoInboxProperties(@DefaultValue("false") boolean enabled,
                                  @DefaultValue("vcs-leeds-link-workers") String service) {
}
