import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';

interface Validatable {
  validate(): void;
}

type ModelClass = new (data: never) => Validatable;

/** Every kind our manifests may contain, by `apiVersion/kind`: anything else fails the test until added. */
const MODELS: Record<string, ModelClass> = Object.fromEntries(
  [Deployment, HorizontalPodAutoscaler, Job, Ingress, PodDisruptionBudget, ConfigMap, Namespace, Service].map((model) => [`${model.apiVersion}/${model.kind}`, model as unknown as ModelClass]),
);

/** Throws the schema violations of one object (kubernetes-models' JSON Schemas of Kubernetes 1.27). */
export function validateObject(object: { apiVersion: string; kind: string }): void {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (Model === undefined) throw new Error(`no schema registered for ${object.apiVersion} ${object.kind}`);
  new Model(object as never).validate();
}
