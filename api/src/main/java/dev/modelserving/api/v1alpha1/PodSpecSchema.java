package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.crd.generator.annotation.SchemaSwap;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.AzureDiskVolumeSource;
import io.fabric8.kubernetes.api.model.CSIVolumeSource;
import io.fabric8.kubernetes.api.model.CephFSVolumeSource;
import io.fabric8.kubernetes.api.model.CinderVolumeSource;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.ConfigMapProjection;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.FileKeySelector;
import io.fabric8.kubernetes.api.model.FlexVolumeSource;
import io.fabric8.kubernetes.api.model.GRPCAction;
import io.fabric8.kubernetes.api.model.ISCSIVolumeSource;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.RBDVolumeSource;
import io.fabric8.kubernetes.api.model.ScaleIOVolumeSource;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.StorageOSVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;

/**
 * Schema-only view of {@link PodSpec} for the CRD generator; never instantiated.
 *
 * <p>fabric8's model carries no OpenAPI defaults, while Kthena's controller-gen CRD has the core/v1
 * ones (for example {@code ports[].protocol: TCP}, {@code secretKeyRef.name: ""}), and the API
 * server applies them to every stored ModelServing. To store the same objects as Kthena, each type
 * that has such a default is swapped for a subclass whose {@link Defaults} customizer adds it: the
 * subclass inherits every property, so the rest of the schema stays fabric8's.
 * ModelServingCrdSupersetTest fails if a default is missing or a swap goes stale.
 */
@SchemaSwap(
    originalType = PodSpecSchema.class,
    fieldName = "imagePullSecrets",
    targetType = PodSpecSchema.LocalObjectReferences.class)
@SchemaSwap(
    originalType = Container.class,
    fieldName = "ports",
    targetType = PodSpecSchema.ContainerPorts.class)
@SchemaSwap(
    originalType = EphemeralContainer.class,
    fieldName = "ports",
    targetType = PodSpecSchema.ContainerPorts.class)
@SchemaSwap(
    originalType = Probe.class,
    fieldName = "grpc",
    targetType = PodSpecSchema.GrpcAction.class)
@SchemaSwap(
    originalType = EnvVarSource.class,
    fieldName = "configMapKeyRef",
    targetType = PodSpecSchema.ConfigMapKeyRef.class)
@SchemaSwap(
    originalType = EnvVarSource.class,
    fieldName = "secretKeyRef",
    targetType = PodSpecSchema.SecretKeyRef.class)
@SchemaSwap(
    originalType = EnvVarSource.class,
    fieldName = "fileKeyRef",
    targetType = PodSpecSchema.FileKeyRef.class)
@SchemaSwap(
    originalType = EnvFromSource.class,
    fieldName = "configMapRef",
    targetType = PodSpecSchema.ConfigMapEnvRef.class)
@SchemaSwap(
    originalType = EnvFromSource.class,
    fieldName = "secretRef",
    targetType = PodSpecSchema.SecretEnvRef.class)
@SchemaSwap(
    originalType = Volume.class,
    fieldName = "azureDisk",
    targetType = PodSpecSchema.AzureDisk.class)
@SchemaSwap(
    originalType = Volume.class,
    fieldName = "configMap",
    targetType = PodSpecSchema.ConfigMapVolume.class)
@SchemaSwap(
    originalType = Volume.class,
    fieldName = "iscsi",
    targetType = PodSpecSchema.Iscsi.class)
@SchemaSwap(originalType = Volume.class, fieldName = "rbd", targetType = PodSpecSchema.Rbd.class)
@SchemaSwap(
    originalType = Volume.class,
    fieldName = "scaleIO",
    targetType = PodSpecSchema.ScaleIo.class)
@SchemaSwap(
    originalType = CephFSVolumeSource.class,
    fieldName = "secretRef",
    targetType = PodSpecSchema.LocalRef.class)
@SchemaSwap(
    originalType = CinderVolumeSource.class,
    fieldName = "secretRef",
    targetType = PodSpecSchema.LocalRef.class)
@SchemaSwap(
    originalType = CSIVolumeSource.class,
    fieldName = "nodePublishSecretRef",
    targetType = PodSpecSchema.LocalRef.class)
@SchemaSwap(
    originalType = FlexVolumeSource.class,
    fieldName = "secretRef",
    targetType = PodSpecSchema.LocalRef.class)
@SchemaSwap(
    originalType = StorageOSVolumeSource.class,
    fieldName = "secretRef",
    targetType = PodSpecSchema.LocalRef.class)
@SchemaSwap(
    originalType = VolumeProjection.class,
    fieldName = "configMap",
    targetType = PodSpecSchema.ConfigMapProjectionRef.class)
@SchemaSwap(
    originalType = VolumeProjection.class,
    fieldName = "secret",
    targetType = PodSpecSchema.SecretProjectionRef.class)
final class PodSpecSchema extends PodSpec {
  private static final String NAME_DEFAULT = "{\"name\":\"\"}";

  private PodSpecSchema() {}

  /**
   * Sets defaults on properties of the schema it annotates. The input maps a property path ({@code
   * a.b} for nested objects) to its default value, as JSON. (The built-in merge-patch customizer
   * can't do this: it replaces the whole {@code properties} map.)
   */
  public static final class Defaults implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(
        JSONSchemaProps schema, String input, KubernetesSerialization serialization) {
      JsonNode defaults = serialization.unmarshal(input, JsonNode.class);
      defaults
          .properties()
          .forEach(
              e -> {
                JSONSchemaProps property = schema;
                for (String name : e.getKey().split("\\.")) {
                  property = property.getProperties().get(name);
                  if (property == null) {
                    throw new IllegalArgumentException("no property " + e.getKey() + " to default");
                  }
                }
                property.setDefault(e.getValue());
              });
      return schema;
    }
  }

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class LocalRef extends LocalObjectReference {}

  static final class LocalObjectReferences extends ArrayList<LocalRef> {}

  @SchemaCustomizer(value = Defaults.class, input = "{\"protocol\":\"TCP\"}")
  static final class ContainerPortWithDefaults extends ContainerPort {}

  static final class ContainerPorts extends ArrayList<ContainerPortWithDefaults> {}

  @SchemaCustomizer(value = Defaults.class, input = "{\"service\":\"\"}")
  static final class GrpcAction extends GRPCAction {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class ConfigMapKeyRef extends ConfigMapKeySelector {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class SecretKeyRef extends SecretKeySelector {}

  @SchemaCustomizer(value = Defaults.class, input = "{\"optional\":false}")
  static final class FileKeyRef extends FileKeySelector {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class ConfigMapEnvRef extends ConfigMapEnvSource {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class SecretEnvRef extends SecretEnvSource {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class ConfigMapVolume extends ConfigMapVolumeSource {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class ConfigMapProjectionRef extends ConfigMapProjection {}

  @SchemaCustomizer(value = Defaults.class, input = NAME_DEFAULT)
  static final class SecretProjectionRef extends SecretProjection {}

  @SchemaCustomizer(value = Defaults.class, input = "{\"fsType\":\"ext4\",\"readOnly\":false}")
  static final class AzureDisk extends AzureDiskVolumeSource {}

  @SchemaCustomizer(
      value = Defaults.class,
      input = "{\"iscsiInterface\":\"default\",\"secretRef.name\":\"\"}")
  static final class Iscsi extends ISCSIVolumeSource {}

  @SchemaCustomizer(
      value = Defaults.class,
      input =
          "{\"keyring\":\"/etc/ceph/keyring\",\"pool\":\"rbd\",\"user\":\"admin\","
              + "\"secretRef.name\":\"\"}")
  static final class Rbd extends RBDVolumeSource {}

  @SchemaCustomizer(
      value = Defaults.class,
      input =
          "{\"fsType\":\"xfs\",\"storageMode\":\"ThinProvisioned\"," + "\"secretRef.name\":\"\"}")
  static final class ScaleIo extends ScaleIOVolumeSource {}
}
