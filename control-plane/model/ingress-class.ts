// Which Ingresses meshlet's gateway serves, by class (https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class).
// Pure: the snapshot's Ingresses and IngressClasses in, the served Ingresses out (in the snapshot's order).
import { MESHLET_INGRESS_CONTROLLER, type Ingress, type IngressClass, type MeshSnapshot } from './types.js';

/** The annotation that named the class before spec.ingressClassName (deprecated, still honoured). */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
export const DEFAULT_INGRESS_CLASS_NAME = 'meshlet';

export interface IngressClassOptions {
  /** The class name meshlet answers to even without an IngressClass object (default 'meshlet'). */
  readonly className: string;
  /** Serve Ingresses that name no class at all (default true). */
  readonly defaultClass: boolean;
}

export const DEFAULT_INGRESS_CLASS_OPTIONS: IngressClassOptions = { className: DEFAULT_INGRESS_CLASS_NAME, defaultClass: true };

export function servedIngresses(
  snapshot: Pick<MeshSnapshot, 'ingresses' | 'ingressClasses'>,
  partial: Partial<IngressClassOptions> = {},
): Ingress[] {
  const options: IngressClassOptions = { ...DEFAULT_INGRESS_CLASS_OPTIONS, ...partial };
  const ours = meshletIngressClasses(snapshot.ingressClasses);
  const ourNames = new Set(ours.map((c) => c.meta.name));
  // "You can mark a particular IngressClass as default for your cluster": Ingresses without a class get it.
  const oursIsDefault = ours.some((c) => c.isDefault);
  return snapshot.ingresses.filter((ing) => isServed(ing, ourNames, oursIsDefault, options));
}

function isServed(ing: Ingress, ourNames: ReadonlySet<string>, oursIsDefault: boolean, options: IngressClassOptions): boolean {
  // 1. spec.ingressClassName "is the name of an IngressClass cluster resource": ours when that class's
  //    spec.controller is meshlet's. The bare name options.className is accepted without an IngressClass object,
  //    as controllers have always accepted their own name. (The decoder folds the deprecated annotation into
  //    ingressClassName when the spec has none; the API server refuses an Ingress that sets both.)
  const className = ing.ingressClassName;
  if (className !== undefined) return ourNames.has(className) || className === options.className;
  // 2. "Before the IngressClass resource and ingressClassName field were added in Kubernetes 1.18, Ingress
  //    classes were specified with a kubernetes.io/ingress.class annotation": its value is the controller's
  //    class name, which for meshlet is options.className.
  const annotated = ing.meta.annotations[INGRESS_CLASS_ANNOTATION];
  if (annotated !== undefined) return annotated === options.className;
  // 3. No class: "If the ingressClassName is omitted, a default Ingress class should be defined" — served when
  //    meshlet is configured to take class-less Ingresses, or when one of meshlet's IngressClasses is marked
  //    `ingressclass.kubernetes.io/is-default-class: "true"`.
  return options.defaultClass || oursIsDefault;
}

/** The IngressClasses implemented by meshlet (spec.controller is MESHLET_INGRESS_CONTROLLER). */
export function meshletIngressClasses(classes: readonly IngressClass[]): IngressClass[] {
  return classes.filter((c) => c.controller === MESHLET_INGRESS_CONTROLLER);
}
