package io.sluice.platform.security;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Who may call a service's HTTP routes (prefix {@code sluice.security}); the same settings in every service.
 *
 * @param keys              API keys as {@code name:role:<sha256 hex>}, comma- or newline-separated (env
 *                          {@code SLUICE_API_KEYS}); roles viewer, writer, admin, client, webhook
 * @param keysFile          a secret file of such entries, one a line, read again when it changes (env
 *                          {@code SLUICE_SECURITY_KEYS_FILE}); null: none
 * @param reloadInterval    how often the key file is looked at for changes
 * @param adminToken        a plain admin token (env {@code SLUICE_ADMIN_TOKEN}, what {@code ./sluice up} writes), named
 *                          {@code admin}; blank: none
 * @param sessionSecret     signing secret of console sessions (env {@code SLUICE_SESSION_SECRET}); blank: derived from the
 *                          admin token; without both, sessions are off
 * @param publicReads       reads ({@link Access#READ} routes) need no credential
 * @param webhookQueryToken legacy: accept a webhook key in {@code ?token=} (only on webhook routes; query strings end up
 *                          in access logs)
 * @param maxRequestSize    largest request body, counted on the bytes read (413 beyond)
 */
@ConfigurationProperties("sluice.security")
public record SecurityProperties(@DefaultValue("") String keys,
                                 Path keysFile,
                                 @DefaultValue("5s") Duration reloadInterval,
                                 @DefaultValue("") String adminToken,
                                 @DefaultValue("") String sessionSecret,
                                 @DefaultValue("false") boolean publicReads,
                                 @DefaultValue("false") boolean webhookQueryToken,
                                 @DefaultValue("10MB") DataSize maxRequestSize) {

    @Override
    public String toString() {
        return "SecurityProperties[keysFile=" + keysFile + ", publicReads=" + publicReads + ", keys and secrets hidden]";
    }
}
