import { describe, expect, it } from 'vitest';
import { mapOption, pointColor, regionNames } from './geo-map';
import type { AreaCollection } from '@/api/geo';

const square = (x: number, y: number) => [
  [
    [x, y],
    [x + 1, y],
    [x + 1, y + 1],
    [x, y + 1],
    [x, y],
  ],
];
const areas: AreaCollection = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { unit_id: 11, code: 'S-C1-G1', name: '网格1(生成)', level: 'grid', parent_id: 3, generated: true },
      geometry: { type: 'Polygon', coordinates: square(0, 0) },
    },
    {
      type: 'Feature',
      properties: { unit_id: 12, code: 'S-C2-G1', name: '网格1(生成)', level: 'grid', parent_id: 4, generated: true },
      geometry: { type: 'Polygon', coordinates: square(1, 0) },
    },
  ],
};

describe('GeoMap option', () => {
  it('keys regions by code, since names repeat, and labels them by name', () => {
    const names = regionNames(areas);
    expect([...names.keys()]).toEqual(['S-C1-G1', 'S-C2-G1']);
    const o = mapOption('m1', areas, [], true) as { geo: { map: string; nameProperty: string; label: { formatter: (p: { name: string }) => string } } };
    expect(o.geo.map).toBe('m1');
    expect(o.geo.nameProperty).toBe('code');
    expect(o.geo.label.formatter({ name: 'S-C2-G1' })).toBe('网格1(生成)');
  });

  it('draws points at lon/lat coloured by light, else by status', () => {
    const o = mapOption('m', areas, [
      { lon: 121.5, lat: 38.9, light: 'red', label: 'CG-1' },
      { lon: 121.6, lat: 38.8, status: 'closed' },
    ], false) as { series: { coordinateSystem: string; data: { value: number[]; itemStyle: { color: string }; label: string }[] }[] };
    const s = o.series[0];
    expect(s.coordinateSystem).toBe('geo');
    expect(s.data.map((d) => d.value)).toEqual([
      [121.5, 38.9],
      [121.6, 38.8],
    ]);
    expect(s.data[0].itemStyle.color).toBe(pointColor({ lon: 0, lat: 0, light: 'red' }));
    expect(s.data[1].itemStyle.color).toBe('#8b8d98');
    expect(s.data[0].label).toBe('CG-1');
    expect(pointColor({ lon: 0, lat: 0, light: 'yellow', status: 'closed' })).toBe('#f5a623');
    expect(pointColor({ lon: 0, lat: 0 })).toBe('#0090ff');
  });
});

describe('explicit point colours', () => {
  it('a point’s own colour wins over its light and status (the projects map colours by stage)', () => {
    expect(pointColor({ lon: 0, lat: 0, color: '#123456', light: 'red' })).toBe('#123456');
    expect(pointColor({ lon: 0, lat: 0, light: 'red' })).toBe('#e5484d');
  });
});
