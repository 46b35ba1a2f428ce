package io.sluice.platform.storage.obs;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Loaded into the S3Mock process (not into tests): makes its Tomcat connectors decode {@code %2F}
 * in paths, because the OBS SDK encodes '/' in object keys and Tomcat rejects that by default.
 * Written against reflection so it does not depend on the Tomcat and Boot versions inside S3Mock.
 */
public class EncodedSlashDecoding implements BeanPostProcessor {

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        decode(bean); // S3Mock declares its plain-HTTP connector as a bean
        for (Method method : bean.getClass().getMethods()) {
            if (method.getName().equals("addConnectorCustomizers") && method.getParameterCount() == 1
                    && method.getParameterTypes()[0].isArray()) {
                Class<?> customizerType = method.getParameterTypes()[0].getComponentType();
                Object customizer = Proxy.newProxyInstance(customizerType.getClassLoader(), new Class<?>[] {customizerType},
                        (proxy, m, args) -> {
                            if (m.getName().equals("customize") && args != null && args.length == 1) {
                                args[0].getClass().getMethod("setEncodedSolidusHandling", String.class).invoke(args[0], "decode");
                                return null;
                            }
                            return switch (m.getName()) {
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                case "toString" -> "EncodedSlashDecoding";
                                default -> null;
                            };
                        });
                Object customizers = Array.newInstance(customizerType, 1);
                Array.set(customizers, 0, customizer);
                try {
                    method.invoke(bean, customizers);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot customise " + beanName, e);
                }
            }
        }
        return bean;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        try {
            Method additional = bean.getClass().getMethod("getAdditionalConnectors");
            if (additional.invoke(bean) instanceof Iterable<?> connectors) {
                connectors.forEach(EncodedSlashDecoding::decode);
            }
        } catch (ReflectiveOperationException notAFactory) {
            // only web server factories have additional connectors
        }
        return bean;
    }

    private static void decode(Object connector) {
        try {
            connector.getClass().getMethod("setEncodedSolidusHandling", String.class).invoke(connector, "decode");
        } catch (NoSuchMethodException notAConnector) {
            // not a Tomcat connector
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set encoded-slash handling on " + connector, e);
        }
    }
}
