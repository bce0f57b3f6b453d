package org.cxrtriage.app.security;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * The embedded Tomcat as a hospital network needs it: a client must send its request line,
 * headers and each part of its body within 5 s (a slow client does not hold a thread for minutes),
 * a body left unread (a request {@link HttpGuard} refused) is never swallowed — the connection is
 * closed instead, so a client trickling a body cannot keep the thread — and error pages name
 * neither the server software nor its version, nor show stack traces.
 */
@Singleton
final class TomcatHardening implements BeanCreatedEventListener<Tomcat> {

    static final int READ_TIMEOUT_MILLIS = 5_000;

    @Override
    public Tomcat onCreated(BeanCreatedEvent<Tomcat> event) {
        Tomcat tomcat = event.getBean();
        for (Connector connector : tomcat.getService().findConnectors()) {
            harden(connector);
        }
        ErrorReportValve errors = new ErrorReportValve();
        errors.setShowReport(false);
        errors.setShowServerInfo(false);
        tomcat.getHost().getPipeline().addValve(errors);
        return tomcat;
    }

    static void harden(Connector connector) {
        connector.setProperty("connectionTimeout", Integer.toString(READ_TIMEOUT_MILLIS));
        connector.setProperty("maxSwallowSize", "0");
        connector.setXpoweredBy(false);
        connector.setProperty("server", "cxr-triage");
    }
}
