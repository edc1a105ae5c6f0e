// The option GeoMap draws, as a pure function (tested without a canvas).
import type { AreaCollection } from '@/api/geo';
import type { EChartsCoreOption } from '@/charts/echarts';

export interface MapPoint {
  lon: number;
  lat: number;
  status?: string;
  light?: 'green' | 'yellow' | 'red' | string | null;
  label?: string;
  /** An explicit colour (the projects map colours by stage); wins over light and status. */
  color?: string;
}

/** Colour of a point: its own colour, else its light when it has one (red, yellow, green), else its status. */
export function pointColor(p: MapPoint): string {
  if (p.color) return p.color;
  switch (p.light) {
    case 'red':
      return '#e5484d';
    case 'yellow':
      return '#f5a623';
    case 'green':
      return '#30a46c';
  }
  switch (p.status) {
    case 'closed':
      return '#8b8d98';
    case 'suspended':
      return '#6e56cf';
    case 'merged':
      return '#b4b4b4';
    default:
      return '#0090ff';
  }
}

/** The region key of each feature: its code (names repeat across communities: 网格1, 网格2 ...). */
export function regionNames(areas: AreaCollection): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of areas.features) m.set(f.properties.code, f.properties.name);
  return m;
}

export function mapOption(mapName: string, areas: AreaCollection, points: MapPoint[], showLabels: boolean): EChartsCoreOption {
  const names = regionNames(areas);
  return {
    tooltip: {
      trigger: 'item',
      formatter: (p: { componentType?: string; name?: string; data?: { label?: string } }) =>
        p.componentType === 'series' ? (p.data?.label ?? '') : (names.get(p.name ?? '') ?? p.name ?? ''),
    },
    geo: {
      map: mapName,
      nameProperty: 'code',
      roam: true,
      aspectScale: Math.cos((38.9 * Math.PI) / 180),
      label: { show: showLabels, formatter: (p: { name: string }) => names.get(p.name) ?? p.name, fontSize: 11 },
      itemStyle: { areaColor: '#eef4fb', borderColor: '#5b8ff9', borderWidth: 1 },
      emphasis: { itemStyle: { areaColor: '#d6e6fa' }, label: { show: true } },
      select: { disabled: true },
    },
    series: [
      {
        type: 'scatter',
        coordinateSystem: 'geo',
        symbolSize: 10,
        data: points.map((p) => ({
          name: p.label ?? '',
          label: p.label ?? '',
          value: [p.lon, p.lat],
          itemStyle: { color: pointColor(p) },
        })),
      },
    ],
  };
}
